package io.datashard.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routine appends and scans log nothing at INFO through the dependencies: Hadoop's CodecPool announced a "brand-new
 * compressor [.zstd]" for every file written and read. The test logging binding (slf4j-simple, INFO) writes to
 * System.err, which is captured here.
 */
class QuietCodecsTest {
  @TempDir
  Path dir;

  @Test
  void appendsAndScansWithEveryCodecLogNothingFromCodecPool() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Warehouse wh = Warehouse.local(dir)) {
      for (String codec : List.of("zstd", "snappy", "gzip", "uncompressed")) {
        Table t = wh.createTable("t_" + codec, TestSchemas.EVENTS,
            io.datashard.PartitionSpec.unpartitioned(), Map.of("write.parquet.compression-codec", codec));
        for (int i = 0; i < 3; i++) {
          t.appendRecords(List.of(TestSchemas.event(i, "e" + i, 0.5 * i)));
        }
        assertThat(t.scan().toList()).as(codec).hasSize(3);
      }
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).doesNotContain("CodecPool").doesNotContain("brand-new");
  }
}
