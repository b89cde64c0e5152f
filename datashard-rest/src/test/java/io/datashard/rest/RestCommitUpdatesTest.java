package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.metadata.MetadataDelta;
import io.datashard.metadata.TableMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.iceberg.MetadataUpdateParser;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The updates a REST commit sends: the quick way (only the snapshots, references and properties that changed are
 * converted, {@link MetadataDelta}) must send exactly what comparing the two versions whole sends, for every kind of
 * change, and the quick way must stand aside for changes it does not cover.
 */
class RestCommitUpdatesTest {
  private static final String LOCATION = "file:/tmp/datashard-updates-test";

  private static final long NOW = System.currentTimeMillis() + 10_000;

  private long nextId = 100;

  /** A table of format 2 with two snapshots on main, as Iceberg's own library writes it. */
  private org.apache.iceberg.TableMetadata icebergTable(String formatVersion) {
    org.apache.iceberg.TableMetadata m = org.apache.iceberg.TableMetadata.newTableMetadata(
        new Schema(Types.NestedField.required(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned(),
        LOCATION, Map.of("format-version", formatVersion, "keep", "1", "drop", "2"));
    return TableMetadataParser.fromJson(LOCATION + "/metadata/v1.metadata.json", TableMetadataParser.toJson(m));
  }

  private Snapshot snapshot(TableMetadata base, Long parent) {
    long id = nextId++;
    boolean v3 = base.formatVersion() >= 3;
    return new Snapshot(id, parent, base.lastSequenceNumber() + 1, NOW + id,
        LOCATION + "/metadata/snap-" + id + "-1-x.avro", Map.of("operation", "append", "added-records", "1"),
        base.currentSchemaId(), v3 ? base.nextRowId() : null, v3 ? 1L : null);
  }

  private TableMetadata append(TableMetadata m) {
    return m.withNewCurrentSnapshot(snapshot(m, m.currentSnapshotId()));
  }

  /** The base after two appends, both models of it. */
  private record Base(TableMetadata datashard, org.apache.iceberg.TableMetadata iceberg) {
  }

  private Base base(String formatVersion) {
    TableMetadata m = RestTableOperations.toDataShard(icebergTable(formatVersion), 0);
    m = append(append(m));
    String file = LOCATION + "/metadata/v3.metadata.json";
    org.apache.iceberg.TableMetadata ice = TableMetadataParser.fromJson(file,
        new String(io.datashard.metadata.TableMetadataParser.toJson(m), java.nio.charset.StandardCharsets.UTF_8));
    return new Base(RestTableOperations.toDataShard(ice, 2), ice);
  }

  /** The updates as the request carries them (JSON objects compare regardless of key order). */
  private static List<com.fasterxml.jackson.databind.JsonNode> updatesSent(org.apache.iceberg.TableMetadata next) {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    return next.changes().stream().map(u -> {
      try {
        return mapper.readTree(MetadataUpdateParser.toJson(u));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList();
  }

  /** Asserts both ways send the same updates; returns whether the quick way was taken. */
  private boolean sameUpdates(Base b, UnaryOperator<TableMetadata> change) {
    TableMetadata updated = change.apply(b.datashard());
    org.apache.iceberg.TableMetadata whole = RestTableOperations.diff(b.iceberg(),
        RestTableOperations.toIceberg(updated, b.iceberg().metadataFileLocation()));
    org.apache.iceberg.TableMetadata sent = RestTableOperations.updates(b.iceberg(), b.datashard(), updated);
    assertThat(updatesSent(sent)).isNotEmpty().isEqualTo(updatesSent(whole));
    assertThat(sent.snapshots()).hasSameSizeAs(whole.snapshots());
    assertThat(sent.refs()).isEqualTo(whole.refs());
    assertThat(sent.properties()).isEqualTo(whole.properties());
    assertTheAnswerIsTakenAsSent(b, updated, sent);
    return MetadataDelta.between(b.datashard(), updated).isPresent();
  }

  /** The catalog's answer to {@code sent} as Iceberg's client holds it: parsed from JSON, at the next version file. */
  private static org.apache.iceberg.TableMetadata answer(org.apache.iceberg.TableMetadata sent) {
    return TableMetadataParser.fromJson(LOCATION + "/metadata/v4.metadata.json", TableMetadataParser.toJson(sent));
  }

  /** DataShard's JSON of a version (objects compare regardless of key order). */
  private static com.fasterxml.jackson.databind.JsonNode tree(TableMetadata m) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(io.datashard.metadata.TableMetadataParser
          .toJson(m));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * An answer that is exactly the change sent is taken without converting it, and the result is the version that
   * converting it whole gives: same JSON, same file and version number.
   */
  private static void assertTheAnswerIsTakenAsSent(Base b, TableMetadata updated,
      org.apache.iceberg.TableMetadata sent) {
    org.apache.iceberg.TableMetadata answered = answer(sent);
    TableMetadata taken = RestTableOperations.asSent(answered, sent, updated, 3);
    TableMetadata converted = RestTableOperations.toDataShard(answered, 3);
    assertThat(taken).as("an answer that is exactly what was sent").isNotNull();
    assertThat(tree(taken)).isEqualTo(tree(converted));
    assertThat(taken.metadataFileLocation()).isEqualTo(converted.metadataFileLocation()).endsWith("/v4.metadata.json");
    assertThat(taken.version()).isEqualTo(4);
    assertThat(taken.metadataLog()).isEqualTo(converted.metadataLog()).isNotEmpty();
    assertThat(taken.lastUpdatedMillis()).isEqualTo(answered.lastUpdatedMillis());
  }

  @Test
  void anAppendSendsTheSameUpdatesTheQuickWay() {
    assertThat(sameUpdates(base("2"), this::append)).isTrue();
  }

  @Test
  void anAppendToAFormat3TableSendsItsRowLineageTheSame() {
    assertThat(sameUpdates(base("3"), this::append)).isTrue();
  }

  @Test
  void branchesAndTagsAreSentTheSame() {
    Base b = base("2");
    assertThat(sameUpdates(b, m -> m.withSnapshotOnBranch(snapshot(m, m.currentSnapshotId()), "dev"))).isTrue();
    long first = b.datashard().snapshots().get(0).snapshotId();
    assertThat(sameUpdates(b, m -> m.withRef("v1", SnapshotRef.tag(first), NOW + 1_000))).isTrue();
    assertThat(sameUpdates(b, m -> m.withRef("audit",
        new SnapshotRef(SnapshotRef.Type.BRANCH, first, 3, 86_400_000L, 604_800_000L), NOW + 1_000))).isTrue();
    assertThat(sameUpdates(b, m -> m.withRef(SnapshotRef.MAIN, SnapshotRef.branch(first), NOW + 1_000))).isTrue(); // rollback
    Base tagged = new Base(b.datashard().withRef("v1", SnapshotRef.tag(first), NOW + 1_000), null);
    org.apache.iceberg.TableMetadata iceTagged = RestTableOperations.toIceberg(tagged.datashard(),
        b.iceberg().metadataFileLocation());
    assertThat(sameUpdates(new Base(tagged.datashard(), iceTagged), m -> m.withoutRef("v1", NOW + 1_000))).isTrue();
  }

  @Test
  void propertiesAndExpiryAreSentTheSame() {
    Base b = base("2");
    assertThat(sameUpdates(b, m -> m.withProperties(Map.of("keep", "3", "new", "4"), Set.of("drop"), NOW + 1_000))).isTrue();
    assertThat(sameUpdates(b, m -> m.withSnapshotsRetained(List.of(m.currentSnapshot()), NOW + 1_000))).isTrue();
  }

  @Test
  void otherChangesGoTheWholeWay() {
    Base b = base("2");
    // A format upgrade is not a snapshot, reference or property change: the versions are compared whole.
    assertThat(sameUpdates(b, m -> m.withProperties(Map.of("format-version", "3"), Set.of(), NOW + 1_000))).isFalse();
    assertThat(MetadataDelta.between(b.datashard(), b.datashard().withProperties(Map.of("format-version", "3"),
        Set.of(), NOW + 1_000))).isEmpty();
  }

  @Test
  void anAnswerThatIsNotExactlyWhatWasSentIsConvertedWhole() {
    Base b = base("2");
    TableMetadata updated = append(b.datashard());
    org.apache.iceberg.TableMetadata sent = RestTableOperations.updates(b.iceberg(), b.datashard(), updated);
    // The server grouped another writer's append into the same version, or moved this append onto a newer head.
    TableMetadata twoAppends = append(updated);
    org.apache.iceberg.TableMetadata grouped = answer(RestTableOperations.updates(b.iceberg(), b.datashard(),
        twoAppends));
    assertThat(RestTableOperations.asSent(grouped, sent, updated, 3)).isNull();
    // Anything else changed on the way (a property set by the catalog).
    org.apache.iceberg.TableMetadata changed = answer(org.apache.iceberg.TableMetadata.buildFrom(sent)
        .setProperties(Map.of("set-by", "catalog")).build());
    assertThat(RestTableOperations.asSent(changed, sent, updated, 3)).isNull();
    // Another writer replaced the statistics file of a snapshot meanwhile (same number of files, another one).
    long current = updated.currentSnapshotId();
    org.apache.iceberg.TableMetadata sentWithStats = org.apache.iceberg.TableMetadata.buildFrom(sent)
        .setStatistics(new org.apache.iceberg.GenericStatisticsFile(current, LOCATION + "/metadata/a.stats", 10, 4,
            List.of())).build();
    org.apache.iceberg.TableMetadata restated = answer(org.apache.iceberg.TableMetadata.buildFrom(sent)
        .setStatistics(new org.apache.iceberg.GenericStatisticsFile(current, LOCATION + "/metadata/b.stats", 10, 4,
            List.of())).build());
    assertThat(RestTableOperations.asSent(restated, sentWithStats, updated, 3)).isNull();
    // An answer without a metadata file.
    assertThat(RestTableOperations.asSent(sent, sent, updated, 3)).isNull();
    // The same answer as sent is taken.
    assertThat(RestTableOperations.asSent(answer(sent), sent, updated, 3)).isNotNull();
  }

  @Test
  void theQuickWayConvertsOnlyWhatIsNew() {
    Base b = base("2");
    TableMetadata updated = append(b.datashard());
    MetadataDelta d = MetadataDelta.between(b.datashard(), updated).orElseThrow();
    assertThat(d.addedSnapshots()).containsExactly(updated.currentSnapshot());
    assertThat(d.addedSnapshotsJson()).hasSize(1);
    assertThat(d.setRefs()).containsOnlyKeys(SnapshotRef.MAIN);
    assertThat(d.removedSnapshotIds()).isEmpty();
    assertThat(d.setProperties()).isEmpty();
  }
}
