package io.datashard.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes a tombstone is written as, and that every form DataShard ever wrote reads back. */
class VersionTombstoneTest {
  private static final String FILE = "file:/w/t/metadata/v42.metadata.json";

  @Test
  void anExpiredTombstoneIsOnlyItsKeyAndTakesItsVersionFromItsName() {
    byte[] json = VersionTombstone.expired(42).toJson();
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"datashard-tombstone\":\"expired\"}");
    assertThat(VersionTombstone.parse(FILE, json))
        .isEqualTo(new VersionTombstone(VersionTombstone.Kind.EXPIRED, 42, null, 0));
    assertThat(VersionTombstone.parse(FILE, json).writtenMillis(7L)).as("the store's time, as it records none")
        .isEqualTo(7L);
  }

  @Test
  void aDroppedTombstoneKeepsTheTableItDroppedAndWhen() {
    VersionTombstone dropped = VersionTombstone.dropped(42, "6b9a1f0e-1c1d-4f43-9d5e-0c8a2c1e7a11");
    String json = new String(dropped.toJson(), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"datashard-tombstone\":\"dropped\"").contains("\"note\"");
    assertThat(VersionTombstone.parse(FILE, dropped.toJson())).isEqualTo(dropped);
    assertThat(dropped.timestampMillis()).isPositive();
    assertThat(dropped.writtenMillis(7L)).as("its own time").isEqualTo(dropped.timestampMillis());
  }

  @Test
  void expiredTombstonesOfEarlierReleasesStillRead() {
    String legacy = "{\"datashard-tombstone\":\"expired\",\"version\":42,\"table-uuid\":\"u-1\","
        + "\"timestamp-ms\":1796397541314,\"note\":\"this version's metadata is no longer kept\"}";
    assertThat(VersionTombstone.parse(FILE, legacy.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new VersionTombstone(VersionTombstone.Kind.EXPIRED, 42, "u-1", 1796397541314L));
  }

  @Test
  void metadataIsNotATombstoneAndADamagedTombstoneIsCorrupt() {
    assertThat(VersionTombstone.parse(FILE, "{\"format-version\":2}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(VersionTombstone.parse(FILE, new byte[0])).isNull();
    assertThatThrownBy(() -> VersionTombstone.parse(FILE,
        "{\"datashard-tombstone\":\"expi".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("unreadable version tombstone");
  }
}
