package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.TableMetadata;
import io.datashard.metadata.TableMetadataParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata JSON round trips exactly, and the latest version is found whatever the hint says. */
class MetadataVersionTest {
  @TempDir
  Path dir;
  Path hint;

  @BeforeEach
  void threeVersions() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of("owner", "tests"));
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      t.appendRecords(List.of(TestSchemas.event(2, "b", 2.0)));
    }
    hint = dir.resolve("t/metadata/version-hint.text");
  }

  @Test
  void writtenMetadataParsesBackIdentically() throws Exception {
    for (int v = 1; v <= 3; v++) {
      Path file = dir.resolve("t/metadata/v" + v + ".metadata.json");
      byte[] bytes = Files.readAllBytes(file);
      TableMetadata parsed = TableMetadataParser.fromJson(file.toString(), v, bytes);
      assertThat(TableMetadataParser.toJson(parsed)).isEqualTo(bytes);
    }
    TableMetadata latest = TableMetadataParser.fromJson("v3", 3,
        Files.readAllBytes(dir.resolve("t/metadata/v3.metadata.json")));
    assertThat(latest.snapshots()).hasSize(2);
    assertThat(latest.lastSequenceNumber()).isEqualTo(2);
    assertThat(latest.properties()).containsEntry("owner", "tests");
    assertThat(latest.metadataLog()).hasSize(2);
    assertThat(latest.schema().sameFieldsAs(TestSchemas.EVENTS)).isTrue();
  }

  @Test
  void hintIsABareIntegerWithoutNewline() throws Exception {
    assertThat(Files.readString(hint)).isEqualTo("3");
  }

  @Test
  void staleHintStillLoadsLatestAndIsHealed() throws Exception {
    Files.writeString(hint, "1");
    assertLatestIsVersion3();
  }

  @Test
  void missingHintStillLoadsLatest() throws Exception {
    Files.delete(hint);
    assertLatestIsVersion3();
  }

  @Test
  void emptyHintStillLoadsLatest() throws Exception {
    // The hint is not forced to disk: after a power failure it can be empty (or stale, or missing).
    Files.writeString(hint, "");
    assertLatestIsVersion3();
  }

  @Test
  void hintWritesLeaveNoTemporaryFiles() throws Exception {
    try (var files = Files.list(dir.resolve("t/metadata"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void garbageHintStillLoadsLatest() throws Exception {
    Files.writeString(hint, "garbage\u0000!");
    assertLatestIsVersion3();
  }

  @Test
  void hintPointingPastTheEndStillLoadsLatest() throws Exception {
    Files.writeString(hint, "99");
    assertLatestIsVersion3();
  }

  @Test
  void corruptMetadataNamesTheFile() throws Exception {
    Files.writeString(dir.resolve("t/metadata/v3.metadata.json"), "{\"format-version\": 2, \"table-uu");
    try (Warehouse wh = Warehouse.local(dir)) {
      assertThatThrownBy(() -> wh.loadTable("t")).isInstanceOf(CorruptMetadataException.class)
          .hasMessageContaining("v3.metadata.json");
    }
  }

  private void assertLatestIsVersion3() {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.loadTable("t");
      assertThat(TableInternals.of(t).metadata().version()).isEqualTo(3);
      assertThat(new String(readAll(hint), StandardCharsets.UTF_8)).as("hint healed on load").isEqualTo("3");
      assertThat(t.scan().count()).isEqualTo(2);
      // and a commit from this handle lands on v4
      t.appendRecords(List.of(TestSchemas.event(3, "c", 3.0)));
      assertThat(Files.exists(dir.resolve("t/metadata/v4.metadata.json"))).isTrue();
      assertThat(new String(readAll(hint), StandardCharsets.UTF_8)).isEqualTo("4");
    }
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
