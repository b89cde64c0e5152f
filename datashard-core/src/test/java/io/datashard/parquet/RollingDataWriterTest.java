package io.datashard.parquet;

import static io.datashard.Field.optional;
import static io.datashard.Field.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Schema;
import io.datashard.Types;
import io.datashard.metadata.DataFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingDataWriterTest {
  @TempDir
  Path dir;

  private static final Schema SCHEMA = Schema.of(required(1, "id", Types.LONG), optional(2, "s", Types.STRING));

  private Supplier<String> locations() {
    AtomicInteger n = new AtomicInteger();
    return () -> dir.resolve("data/part-" + n.getAndIncrement() + ".parquet").toString();
  }

  private static Object[] row(int i) {
    return new Object[] {(long) i, "value-" + i + "-" + Integer.toHexString(i * 31)};
  }

  @Test
  void rollsAtTargetSizeAndKeepsEveryRow() {
    TestLocalStorage storage = new TestLocalStorage(dir);
    ParquetOptions options = ParquetOptions.defaults().withTargetFileSizeBytes(64 * 1024)
        .withRowGroupSizeBytes(32 * 1024).withCodec(ParquetOptions.Codec.UNCOMPRESSED);
    int total = 60_000;
    List<DataFile> files;
    try (RollingDataWriter w = new RollingDataWriter(storage, SCHEMA, options, locations())) {
      for (int i = 0; i < total; i++) {
        w.write(row(i));
      }
      files = w.complete();
    }
    assertThat(files).hasSizeGreaterThan(3);
    assertThat(files.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(total);
    List<Object[]> back = new ArrayList<>();
    for (DataFile f : files) {
      assertThat(Path.of(f.location())).exists();
      // a file stops growing within one size-check interval of the target
      assertThat(f.fileSizeInBytes()).isLessThan(4 * 64 * 1024);
      back.addAll(ParquetTestSupport.readAll(storage, f.location(), SCHEMA));
    }
    assertThat(back).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(back.get(i)).containsExactly(row(i));
    }
  }

  @Test
  void abortDeletesEveryFileWritten() throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    ParquetOptions options = ParquetOptions.defaults().withTargetFileSizeBytes(16 * 1024)
        .withRowGroupSizeBytes(16 * 1024);
    RollingDataWriter w = new RollingDataWriter(storage, SCHEMA, options, locations());
    for (int i = 0; i < 30_000; i++) {
      w.write(row(i));
    }
    assertThat(w.completedFiles()).hasSizeGreaterThan(1);
    w.abort();
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void closeWithoutCompleteCleansUpAndNoRowsMeansNoFile() throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    try (RollingDataWriter w = new RollingDataWriter(storage, SCHEMA, ParquetOptions.defaults(), locations())) {
      w.write(row(1));
      // an exception escaping here would close without complete()
    }
    try (RollingDataWriter w = new RollingDataWriter(storage, SCHEMA, ParquetOptions.defaults(), locations())) {
      assertThat(w.complete()).isEmpty();
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
