package io.datashard.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What durability costs on this disk, independent of DataShard: forcing one new small file, three new files
 * one after another (what a commit does for data file, manifest and manifest list), the same three forced
 * concurrently (journal group commit), and forcing a directory. Medians in milliseconds.
 */
final class FsyncProbe {
  private FsyncProbe() {
  }

  static void run(Path dir, int reps) throws Exception {
    Files.createDirectories(dir);
    byte[] content = new byte[4096];
    double[] one = new double[reps];
    double[] three = new double[reps];
    double[] parallel = new double[reps];
    double[] directory = new double[reps];
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      int n = 0;
      for (int r = 0; r < reps; r++) {
        FileChannel a = open(dir.resolve("f" + n++), content);
        long t0 = System.nanoTime();
        a.force(true);
        one[r] = (System.nanoTime() - t0) / 1e6;
        a.close();

        List<FileChannel> chs = List.of(open(dir.resolve("f" + n++), content), open(dir.resolve("f" + n++), content),
            open(dir.resolve("f" + n++), content));
        t0 = System.nanoTime();
        for (FileChannel ch : chs) {
          ch.force(true);
        }
        three[r] = (System.nanoTime() - t0) / 1e6;
        for (FileChannel ch : chs) {
          ch.close();
        }

        List<FileChannel> par = List.of(open(dir.resolve("f" + n++), content), open(dir.resolve("f" + n++), content),
            open(dir.resolve("f" + n++), content));
        t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (FileChannel ch : par) {
          fs.add(pool.submit(() -> {
            ch.force(true);
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        parallel[r] = (System.nanoTime() - t0) / 1e6;
        for (FileChannel ch : par) {
          ch.close();
        }

        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          t0 = System.nanoTime();
          d.force(true);
          directory[r] = (System.nanoTime() - t0) / 1e6;
        }
      }
    } finally {
      pool.shutdown();
    }
    Bench.out("");
    Bench.out("fsync cost on this disk (median of %d, 4 KiB new files, ms): one file %.2f | three files one after "
        + "another %.2f | three files concurrently %.2f | one directory %.2f", reps,
        Bench.percentile(Bench.sortedCopy(one), 50), Bench.percentile(Bench.sortedCopy(three), 50),
        Bench.percentile(Bench.sortedCopy(parallel), 50), Bench.percentile(Bench.sortedCopy(directory), 50));
  }

  private static FileChannel open(Path p, byte[] content) throws IOException {
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ByteBuffer b = ByteBuffer.wrap(content);
    while (b.hasRemaining()) {
      ch.write(b);
    }
    return ch;
  }
}
