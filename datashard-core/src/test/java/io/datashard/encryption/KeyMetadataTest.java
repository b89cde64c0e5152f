package io.datashard.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.metadata.DataFile;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** DataShard's {@code key_metadata} format: round trip, and refusal of anything else (Iceberg's format included). */
class KeyMetadataTest {
  @Test
  void roundTripsAndNeverPrintsTheWrappedKey() {
    KeyMetadata km = new KeyMetadata("alias/orders", new byte[] {1, 2, 3, (byte) 0xFE});
    KeyMetadata back = KeyMetadata.parse(km.toBytes());
    assertThat(back).isEqualTo(km);
    assertThat(back.masterKeyId()).isEqualTo("alias/orders");
    assertThat(back.wrappedKey()).containsExactly(1, 2, 3, (byte) 0xFE);
    assertThat(km.toString()).contains("alias/orders").doesNotContain("FE").doesNotContain("[1, 2");
  }

  @Test
  void refusesIcebergsStandardKeyMetadataAndTruncatedBytes() {
    // Iceberg's StandardKeyMetadata: version byte 1, then Avro
    ByteBuffer iceberg = ByteBuffer.wrap(new byte[] {1, 32, 5, 5, 5});
    assertThat(KeyMetadata.isDataShard(iceberg)).isFalse();
    assertThatThrownBy(() -> KeyMetadata.parse(iceberg)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in DataShard's format").hasMessageContaining("Iceberg");
    ByteBuffer whole = new KeyMetadata("k", new byte[16]).toBytes();
    ByteBuffer truncated = ByteBuffer.wrap(new byte[whole.remaining() - 3]);
    whole.duplicate().get(truncated.array());
    assertThatThrownBy(() -> KeyMetadata.parse(truncated)).hasMessageContaining("truncated");

    DataFile f = DataFile.builder().location("s3://b/t/data/f.parquet").keyMetadata(iceberg).build();
    assertThatThrownBy(() -> new TableKeys("db.t", null).decryption(f))
        .isInstanceOf(KeyManagementException.class)
        .hasMessageContaining("table db.t").hasMessageContaining("f.parquet")
        .hasMessageContaining("not in DataShard's format");
  }
}
