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
    try (Warehouse wh = Warehouse.of(server.backend(prefix))) {
      wh.createTable("t", TestSchemas.EVENTS, PartitionSpec.unpartitioned(), Map.of(
          TableProperties.UPKEEP_ENABLED, "true",
          TableProperties.UPKEEP_MAX_SNAPSHOTS, "6",
          TableProperties.UPKEEP_COMPACT_MIN_FILES, "6",
          TableProperties.UPKEEP_MAX_MANIFESTS, "3",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "4"));
      UpkeepRace.Result r = UpkeepRace.race(wh, "t", 4, 25, 2);
      System.out.println("UpkeepS3Test: " + r);
      assertThat(r.readerFailures).as(r.toString()).isEmpty();
      assertThat(TestSchemas.ids(wh.loadTable("t").scan())).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(r.acked);
      assertThat(((TableHandle) wh.loadTable("t")).upkeep().runs()).as("upkeep ran").isPositive();
    }
  }
}
