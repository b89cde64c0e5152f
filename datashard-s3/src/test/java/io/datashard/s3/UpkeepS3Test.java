package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.PartitionSpec;
import io.datashard.TableProperties;
import io.datashard.TestSchemas;
import io.datashard.UpkeepRace;
import io.datashard.Warehouse;
import io.datashard.table.TableHandle;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Automatic upkeep on S3 racing with writers (group commit on, two warehouses: two JVMs' worth of writers) and
 * readers: nothing acknowledged is lost or duplicated, no reader sees wrong rows, upkeep ran.
 */
class UpkeepS3Test {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  @Test
  void upkeepRacingWritersAndReadersOnS3LosesNothing() throws Exception {
    String prefix = "upkeep-" + UUID.randomUUID();
    // Old tombstones are removed as early as the protocol allows too (writers bound to a 50 ms base age).
    try (Warehouse wh = Warehouse.of(new io.datashard.storage.InstantCallsStorage(server.backend(prefix)))
        .withBaseMaxAge(java.time.Duration.ofMillis(50))) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          TableProperties.UPKEEP_ENABLED, "true",
          TableProperties.UPKEEP_MAX_SNAPSHOTS, "6",
          TableProperties.UPKEEP_COMPACT_MIN_FILES, "6",
          TableProperties.UPKEEP_MAX_MANIFESTS, "3",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "4",
          TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, "150"));
      UpkeepRace.Result r = UpkeepRace.race(wh, "t", 4, 25, 2);
      System.out.println("UpkeepS3Test: " + r);
      assertThat(r.readerFailures).as(r.toString()).isEmpty();
      java.util.List<Long> acked = new java.util.ArrayList<>(r.acked);
      io.datashard.StaleHandleScenarios.appendUntilRemoved(wh, wh.loadTable("t"), acked, 1);
      assertThat(TestSchemas.ids(wh.loadTable("t").scan())).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(acked);
      assertThat(((TableHandle) wh.loadTable("t")).upkeep().runs()).as("upkeep ran").isPositive();
    }
  }
}
