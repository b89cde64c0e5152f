package io.datashard.puffin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionVectorTest {
  @TempDir
  Path dir;

  @Test
  void positionsComeBackAscendingWhateverTheirSpread() {
    Random r = new Random(7);
    long[] scattered = LongStream.generate(() -> r.nextInt(5_000_000)).limit(20_000).distinct().sorted().toArray();
    long[] run = LongStream.range(1_000, 200_000).toArray(); // stored as a run container
    long[] acrossKeys = {0, 1, (1L << 32) - 1, 1L << 32, (1L << 32) + 5, 3L << 32, Long.MAX_VALUE >>> 1};
    for (long[] positions : new long[][] {scattered, run, acrossKeys, {}, {42}}) {
      byte[] blob = DeletionVector.encode(positions);
      assertThat(DeletionVector.decode(blob, "test")).isEqualTo(positions);
    }
    assertThat(DeletionVector.encode(run).length).as("a run of 199,000 positions is a few bytes").isLessThan(128);
  }

  @Test
  void readsOneBlobOfAFileAtItsOffsetAndChecksItsCount() throws Exception {
    byte[] a = DeletionVector.encode(new long[] {1, 2, 3});
    byte[] b = DeletionVector.encode(new long[] {10, 20});
    byte[] file = new byte[4 + a.length + b.length + 16];
    System.arraycopy("PFA1".getBytes(), 0, file, 0, 4);
    System.arraycopy(a, 0, file, 4, a.length);
    System.arraycopy(b, 0, file, 4 + a.length, b.length);
    Path p = dir.resolve("dv.puffin");
    Files.write(p, file);
    try (LocalStorageBackend storage = new LocalStorageBackend(dir)) {
      var in = storage.newInputFile(p.toUri().toString());
      assertThat(DeletionVector.read(in, 4 + a.length, b.length, 2)).containsExactly(10, 20);
      assertThat(DeletionVector.read(in, 4, a.length, -1)).containsExactly(1, 2, 3);
      assertThatThrownBy(() -> DeletionVector.read(in, 4, a.length, 4))
          .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("holds 3 positions")
          .hasMessageContaining("counts 4");
      // an offset that does not point at a blob
      assertThatThrownBy(() -> DeletionVector.read(in, 5, a.length, 3)).isInstanceOf(CorruptMetadataException.class);
    }
  }

  @Test
  void damageIsReportedNeverMisread() {
    byte[] good = DeletionVector.encode(new long[] {5, 6, 1L << 33});
    byte[] flipped = good.clone();
    flipped[14] ^= 0x01; // inside the bitmap
    assertThatThrownBy(() -> DeletionVector.decode(flipped, "f at 4")).isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("CRC-32").hasMessageContaining("f at 4");
    byte[] magic = good.clone();
    magic[4] = 0;
    assertThatThrownBy(() -> DeletionVector.decode(magic, "m")).hasMessageContaining("magic");
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> DeletionVector.decode(truncated, "t")).hasMessageContaining("length prefix");
    assertThatThrownBy(() -> DeletionVector.encode(new long[] {3, 2})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeletionVector.encode(new long[] {-1})).isInstanceOf(IllegalArgumentException.class);
  }
}
