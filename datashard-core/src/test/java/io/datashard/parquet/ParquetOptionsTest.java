package io.datashard.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ParquetOptionsTest {
  @Test
  void defaultsAreIcebergs() {
    ParquetOptions d = ParquetOptions.fromProperties(Map.of());
    assertThat(d).isEqualTo(ParquetOptions.defaults());
    assertThat(d.codec()).isEqualTo(ParquetOptions.Codec.ZSTD);
    assertThat(d.rowGroupSizeBytes()).isEqualTo(128L << 20);
    assertThat(d.pageSizeBytes()).isEqualTo(1 << 20);
    assertThat(d.dictPageSizeBytes()).isEqualTo(2 << 20);
    assertThat(d.targetFileSizeBytes()).isEqualTo(512L << 20);
  }

  @Test
  void readsIcebergPropertyNames() {
    ParquetOptions o = ParquetOptions.fromProperties(Map.of(
        "write.parquet.compression-codec", "Snappy",
        "write.parquet.row-group-size-bytes", "1000",
        "write.parquet.page-size-bytes", "200",
        "write.parquet.dict-size-bytes", "300",
        "write.target-file-size-bytes", "5000",
        "unrelated", "x"));
    assertThat(o).isEqualTo(new ParquetOptions(ParquetOptions.Codec.SNAPPY, 1000, 200, 300, 5000));
    assertThat(ParquetOptions.fromProperties(Map.of("write.parquet.compression-codec", "none")).codec())
        .isEqualTo(ParquetOptions.Codec.UNCOMPRESSED);
  }

  @Test
  void rejectsBadValuesNamingTheProperty() {
    assertThatThrownBy(() -> ParquetOptions.fromProperties(Map.of("write.parquet.compression-codec", "lzo")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lzo");
    assertThatThrownBy(() -> ParquetOptions.fromProperties(Map.of("write.target-file-size-bytes", "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("write.target-file-size-bytes");
    assertThatThrownBy(() -> ParquetOptions.fromProperties(Map.of("write.parquet.page-size-bytes", "3000000000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("write.parquet.page-size-bytes");
    assertThatThrownBy(() -> ParquetOptions.fromProperties(Map.of("write.parquet.dict-size-bytes", "big")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("write.parquet.dict-size-bytes");
  }

  @Test
  void parquetAndHadoopDoNotLogAtDebug() {
    assertThat(LoggerFactory.getLogger("org.apache.parquet.hadoop.InternalParquetRecordWriter").isDebugEnabled())
        .isFalse();
    assertThat(LoggerFactory.getLogger("org.apache.hadoop.conf.Configuration").isDebugEnabled()).isFalse();
  }
}
