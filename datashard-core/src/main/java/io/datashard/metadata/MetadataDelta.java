package io.datashard.metadata;

import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The change from one metadata version to the next, for the common kind of commit that touches only snapshots,
 * references and properties (an append, an overwrite, a branch or tag, a property change, most expiries). A catalog
 * client can send such a change as a handful of updates without converting either version as a whole, which is what
 * makes a commit through a REST catalog cost little more than the commit itself (docs/catalog.md).
 *
 * <p>{@link #between} answers empty for every other change (a schema, spec, sort order, format version, statistics
 * file or carried key that differs): those go the general way, and nothing is ever left out of an update.
 * Immutable.
 */
public final class MetadataDelta {
  private final List<Snapshot> addedSnapshots;
  private final List<String> addedSnapshotsJson;
  private final List<Long> removedSnapshotIds;
  private final Map<String, SnapshotRef> setRefs;
  private final Set<String> removedRefs;
  private final Map<String, String> setProperties;
  private final Set<String> removedProperties;

  private MetadataDelta(TableMetadata base, TableMetadata updated) {
    List<Snapshot> added = new ArrayList<>();
    List<String> addedJson = new ArrayList<>();
    Set<Long> kept = new LinkedHashSet<>();
    for (Snapshot s : updated.snapshots()) {
      kept.add(s.snapshotId());
      if (base.snapshot(s.snapshotId()) == null) {
        added.add(s);
        addedJson.add(TableMetadataParser.snapshotJson(updated, s));
      }
    }
    List<Long> removed = new ArrayList<>();
    for (Snapshot s : base.snapshots()) {
      if (!kept.contains(s.snapshotId())) {
        removed.add(s.snapshotId());
      }
    }
    Map<String, SnapshotRef> refs = new LinkedHashMap<>();
    updated.refs().forEach((name, ref) -> {
      if (!ref.equals(base.refs().get(name))) {
        refs.put(name, ref);
      }
    });
    Set<String> goneRefs = new LinkedHashSet<>(base.refs().keySet());
    goneRefs.removeAll(updated.refs().keySet());
    Map<String, String> props = new LinkedHashMap<>();
    updated.properties().forEach((k, v) -> {
      if (!v.equals(base.properties().get(k))) {
        props.put(k, v);
      }
    });
    Set<String> goneProps = new LinkedHashSet<>(base.properties().keySet());
    goneProps.removeAll(updated.properties().keySet());
    this.addedSnapshots = List.copyOf(added);
    this.addedSnapshotsJson = List.copyOf(addedJson);
    this.removedSnapshotIds = List.copyOf(removed);
    this.setRefs = Collections.unmodifiableMap(refs);
    this.removedRefs = Collections.unmodifiableSet(goneRefs);
    this.setProperties = Collections.unmodifiableMap(props);
    this.removedProperties = Collections.unmodifiableSet(goneProps);
  }

  /**
   * @param base the version a commit starts from
   * @param updated the version it wants to publish (derived from {@code base})
   * @return the change, or empty when it touches more than snapshots, references and properties (or the two are
   *     different tables)
   */
  public static Optional<MetadataDelta> between(TableMetadata base, TableMetadata updated) {
    return sameOutsideSnapshotsRefsAndProperties(base, updated) ? Optional.of(new MetadataDelta(base, updated))
        : Optional.empty();
  }

  /**
   * Everything a version holds besides its snapshots, references, properties and what follows from them (sequence
   * number, times, logs, the current snapshot as the {@code main} branch's, the next row id): equal, or compared
   * as different whenever in doubt.
   */
  private static boolean sameOutsideSnapshotsRefsAndProperties(TableMetadata a, TableMetadata b) {
    CarriedMetadata ca = a.carried();
    CarriedMetadata cb = b.carried();
    return a.formatVersion() == b.formatVersion()
        && a.tableUuid().equals(b.tableUuid())
        && a.location().equals(b.location())
        && a.lastColumnId() == b.lastColumnId()
        && a.currentSchemaId() == b.currentSchemaId()
        && a.schemas().equals(b.schemas())
        && a.defaultSpecId() == b.defaultSpecId()
        && a.specs().equals(b.specs())
        && a.lastPartitionId() == b.lastPartitionId()
        && ca.defaultSortOrderId() == cb.defaultSortOrderId()
        && ca.sortOrders().equals(cb.sortOrders())
        && ca.statistics().equals(cb.statistics())
        && ca.partitionStatistics().equals(cb.partitionStatistics())
        && ca.unknownTopLevel().equals(cb.unknownTopLevel())
        && rawOutsideRefs(ca).equals(rawOutsideRefs(cb))
        && currentIsMain(a) && currentIsMain(b);
  }

  private static Map<String, Object> rawOutsideRefs(CarriedMetadata c) {
    Map<String, Object> m = new LinkedHashMap<>();
    c.rawJson().forEach((k, v) -> {
      if (!k.startsWith("ref:")) {
        m.put(k, v);
      }
    });
    return m;
  }

  private static boolean currentIsMain(TableMetadata m) {
    SnapshotRef main = m.refs().get(SnapshotRef.MAIN);
    return Objects.equals(m.currentSnapshotId(), main == null ? null : main.snapshotId());
  }

  /** @return the snapshots {@code updated} has and {@code base} has not, in {@code updated}'s order */
  public List<Snapshot> addedSnapshots() {
    return addedSnapshots;
  }

  /**
   * @return the JSON of each added snapshot (same order as {@link #addedSnapshots()}), exactly as the metadata file
   *     of {@code updated} would hold it
   */
  public List<String> addedSnapshotsJson() {
    return addedSnapshotsJson;
  }

  /** @return the ids of the snapshots {@code base} has and {@code updated} has not */
  public List<Long> removedSnapshotIds() {
    return removedSnapshotIds;
  }

  /** @return the references created or changed, in {@code updated}'s order */
  public Map<String, SnapshotRef> setRefs() {
    return setRefs;
  }

  /** @return the references {@code updated} no longer has */
  public Set<String> removedRefs() {
    return removedRefs;
  }

  /** @return the properties set or changed */
  public Map<String, String> setProperties() {
    return setProperties;
  }

  /** @return the properties removed */
  public Set<String> removedProperties() {
    return removedProperties;
  }

  @Override
  public String toString() {
    return "MetadataDelta{added=" + addedSnapshots.size() + ", removed=" + removedSnapshotIds.size() + ", refs="
        + setRefs.keySet() + ", removedRefs=" + removedRefs + ", properties=" + setProperties.keySet()
        + ", removedProperties=" + removedProperties + "}";
  }
}
