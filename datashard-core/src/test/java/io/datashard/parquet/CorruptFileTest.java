package io.datashard.parquet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import io.datashard.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptFileTest {
  @TempDir
  Path dir;

  private static final Schema SCHEMA = ParquetTestSupport.ALL_TYPES;

  private String validFile(TestLocalStorage storage) {
    String location = dir.resolve("ok.parquet").toString();
    ParquetTestSupport.write(storage, location, SCHEMA, ParquetOptions.defaults(),
        DataFileRoundTripTest.extremeRows());
    return location;
  }

  @Test
  void truncatedFileIsCorrupt() throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    byte[] full = Files.readAllBytes(Path.of(validFile(storage)));
    for (int cut : new int[] {1, 8, full.length / 2}) {
      Path truncated = dir.resolve("truncated-" + cut + ".parquet");
      Files.write(truncated, Arrays.copyOf(full, full.length - cut));
      assertThatThrownBy(() -> ParquetTestSupport.readAll(storage, truncated.toString(), SCHEMA))
          .isInstanceOf(CorruptMetadataException.class)
          .hasMessageContaining(truncated.toString())
          .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CorruptMetadataException) e).file())
              .isEqualTo(truncated.toString()));
    }
  }

  @Test
  void nonParquetAndEmptyFilesAreCorrupt() throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    Path text = dir.resolve("notes.parquet");
    Files.writeString(text, "this is not a parquet file, just some text long enough to have a tail");
    assertThatThrownBy(() -> ParquetTestSupport.readAll(storage, text.toString(), SCHEMA))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(text.toString());
    Path empty = dir.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> ParquetTestSupport.readAll(storage, empty.toString(), SCHEMA))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(empty.toString());
  }

  @Test
  void damagedDataPagesAreCorrupt() throws Exception {
    TestLocalStorage storage = new TestLocalStorage(dir);
    byte[] full = Files.readAllBytes(Path.of(validFile(storage)));
    // overwrite the start of the first column chunk (after the 4-byte magic), keeping the footer intact
    for (int i = 4; i < 64; i++) {
      full[i] = (byte) 0xEE;
    }
    Path damaged = dir.resolve("damaged.parquet");
    Files.write(damaged, full);
    assertThatThrownBy(() -> ParquetTestSupport.readAll(storage, damaged.toString(), SCHEMA))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(damaged.toString());
  }
}
