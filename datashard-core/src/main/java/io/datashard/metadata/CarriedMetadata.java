package io.datashard.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datashard.SnapshotRef;
import io.datashard.SortOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a table's metadata that DataShard carries forward without owning them: references (branches
 * and tags), sort orders, statistics files, the JSON of every schema, spec and sort order exactly as another
 * writer wrote it, and every key DataShard does not know. Immutable; every change returns a copy. See
 * {@code docs/format.md}, "What a commit carries forward".
 *
 * @param refs branches and tags by name, in the order written (main included when the table has a snapshot)
 * @param sortOrders every sort order
 * @param defaultSortOrderId the order new data should follow
 * @param statistics table statistics files
 * @param partitionStatistics partition statistics files
 * @param unknownTopLevel keys of the metadata object DataShard does not know, with their values as written
 * @param rawJson objects as they were read, written back verbatim: keys {@code schema:<id>}, {@code spec:<id>},
 *     {@code sort-order:<id>}, {@code ref:<name>}
 * @param nextRowId (format version 3) the table's {@code next-row-id}, the row-lineage counter that travels with
 *     every version and that only snapshot commits advance; null before version 3
 */
record CarriedMetadata(Map<String, SnapshotRef> refs, List<SortOrder> sortOrders, int defaultSortOrderId,
                       List<StatisticsFile> statistics, List<StatisticsFile> partitionStatistics,
                       ObjectNode unknownTopLevel, Map<String, JsonNode> rawJson, Long nextRowId) {
  CarriedMetadata {
    refs = Collections.unmodifiableMap(new LinkedHashMap<>(refs));
    sortOrders = List.copyOf(sortOrders);
    statistics = List.copyOf(statistics);
    partitionStatistics = List.copyOf(partitionStatistics);
    rawJson = Collections.unmodifiableMap(new LinkedHashMap<>(rawJson));
  }

  /** What a new table starts with: no refs, the unsorted order, nothing else. */
  static CarriedMetadata initial() {
    return new CarriedMetadata(Map.of(), List.of(SortOrder.UNSORTED), 0, List.of(), List.of(),
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), Map.of(), null);
  }

  CarriedMetadata withNextRowId(Long newNextRowId) {
    return new CarriedMetadata(refs, sortOrders, defaultSortOrderId, statistics, partitionStatistics,
        unknownTopLevel, rawJson, newNextRowId);
  }

  CarriedMetadata withRefs(Map<String, SnapshotRef> newRefs) {
    return new CarriedMetadata(newRefs, sortOrders, defaultSortOrderId, statistics, partitionStatistics,
        unknownTopLevel, rawJson, nextRowId);
  }

  CarriedMetadata withSortOrders(List<SortOrder> orders, int defaultId) {
    return new CarriedMetadata(refs, orders, defaultId, statistics, partitionStatistics, unknownTopLevel, rawJson, nextRowId);
  }

  /** @return this without the statistics of snapshots that are no longer kept */
  CarriedMetadata retainingStatisticsOf(java.util.Set<Long> keptSnapshots) {
    List<StatisticsFile> s = new ArrayList<>();
    statistics.stream().filter(f -> keptSnapshots.contains(f.snapshotId())).forEach(s::add);
    List<StatisticsFile> p = new ArrayList<>();
    partitionStatistics.stream().filter(f -> keptSnapshots.contains(f.snapshotId())).forEach(p::add);
    return new CarriedMetadata(refs, sortOrders, defaultSortOrderId, s, p, unknownTopLevel, rawJson, nextRowId);
  }
}
