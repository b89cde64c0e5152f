package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.commit.VersionTombstone;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions that fall out of the metadata log ({@code write.metadata.previous-versions-max}) become tombstones on a
 * table written through the catalog, as the library's upkeep does for its own commits, so that a table fed by many
 * small commits through a catalog or the REST server does not keep every version it ever had; a table that asks to
 * keep them ({@code write.metadata.delete-after-commit.enabled=false}, or upkeep off) keeps them.
 */
class FallenOutVersionsTest {
  private static final TableIdentifier ID = TableIdentifier.of("sales", "orders");

  @TempDir
  Path dir;

  @Test
  void fallenOutVersionsBecomeTombstonesUnlessTheTableKeepsThem() throws Exception {
    assertThat(versionsAfterSixAppends(Map.of())).as("defaults: upkeep on")
        .containsEntry(1, "tombstone").containsEntry(2, "tombstone").containsEntry(3, "tombstone")
        .containsEntry(4, "tombstone").containsEntry(5, "metadata").containsEntry(6, "metadata")
        .containsEntry(7, "metadata"); // v7 current, v5 and v6 in its log
    assertThat(versionsAfterSixAppends(Map.of("write.metadata.delete-after-commit.enabled", "false")))
        .as("kept on request").doesNotContainValue("tombstone").hasSize(7);
    assertThat(versionsAfterSixAppends(Map.of("write.datashard.upkeep.enabled", "false")))
        .as("upkeep off").doesNotContainValue("tombstone").hasSize(7);
    assertThat(versionsAfterSixAppends(Map.of("write.datashard.upkeep.enabled", "false",
        "write.metadata.delete-after-commit.enabled", "true")))
        .as("Iceberg's own switch").containsEntry(1, "tombstone").containsEntry(5, "metadata");
  }

  /** @return version number -> "metadata" or "tombstone", after a create and six appends with the log kept at 2 */
  private Map<Integer, String> versionsAfterSixAppends(Map<String, String> tableProps) throws Exception {
    Path root = Files.createTempDirectory(dir, "wh");
    Map<String, String> props = new HashMap<>(tableProps);
    props.put("write.metadata.previous-versions-max", "2");
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(root), Map.of())) {
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), props);
      for (long id = 1; id <= 6; id++) {
        CatalogScenarios.icebergAppend(catalog.loadTable(ID), id);
      }
      assertThat(CatalogScenarios.icebergIds(catalog.loadTable(ID))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    } // closing waits for tombstones being written
    Map<Integer, String> kinds = new TreeMap<>();
    try (var files = Files.list(root.resolve("sales").resolve("orders").resolve("metadata"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.matches("v\\d+\\.metadata\\.json")) {
          int n = Integer.parseInt(name.substring(1, name.indexOf('.')));
          kinds.put(n, VersionTombstone.looksLikeTombstone(Files.readAllBytes(f)) ? "tombstone" : "metadata");
        }
      }
    }
    return kinds;
  }

  /**
   * A table written only through the catalog has its old tombstones removed too (here after 150 ms, with writers
   * bound to 50 ms), and an Iceberg table handle loaded before the removal still commits exactly once on top: it
   * never publishes the removed name after the version it saw.
   */
  @Test
  void oldTombstonesAreRemovedAfterCommitsThroughTheCatalog() throws Exception {
    Path root = Files.createTempDirectory(dir, "wh");
    Path metadata = root.resolve("sales").resolve("orders").resolve("metadata");
    try (DataShardCatalog catalog = new DataShardCatalog("ds",
        new io.datashard.storage.InstantCallsStorage(new LocalStorageBackend(root)),
        Map.of(DataShardCatalog.BASE_MAX_AGE_MS, "50"))) {
      catalog.createNamespace(Namespace.of("sales"));
      catalog.createTable(ID, CatalogScenarios.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          "write.metadata.previous-versions-max", "2",
          io.datashard.TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, "150"));
      org.apache.iceberg.Table stale = catalog.loadTable(ID);
      java.util.List<Long> expected = new java.util.ArrayList<>();
      long id = 1;
      for (int round = 0; round < 60 && (Files.exists(metadata.resolve("v2.metadata.json")) || round < 6); round++) {
        CatalogScenarios.icebergAppend(catalog.loadTable(ID), id);
        expected.add(id++);
        Thread.sleep(60);
      }
      assertThat(metadata.resolve("v1.metadata.json")).doesNotExist();
      assertThat(metadata.resolve("v2.metadata.json")).doesNotExist();
      CatalogScenarios.icebergAppend(stale, 4242);
      expected.add(4242L);
      assertThat(metadata.resolve("v2.metadata.json")).as("never published again").doesNotExist();
      assertThat(CatalogScenarios.icebergIds(catalog.loadTable(ID))).containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
