package io.datashard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class RangeCacheTest {

  /** An in-memory file that counts the requests its streams make (each read call or vectored range is one). */
  static final class MemoryFile implements InputFile {
    final String location;
    final byte[] content;
    final boolean vectored;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();

    MemoryFile(String location, int length, long seed, boolean vectored) {
      this.location = location;
      this.content = new byte[length];
      new Random(seed).nextBytes(content);
      this.vectored = vectored;
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public long length() {
      return content.length;
    }

    @Override
    public SeekableInputStream newStream() {
      streams.incrementAndGet();
      return new SeekableInputStream() {
        long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void seek(long newPos) {
          pos = newPos;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          requests.incrementAndGet();
          if (failing.get()) {
            throw new IOException("connection reset reading " + location);
          }
          if (pos >= content.length) {
            return -1;
          }
          int n = (int) Math.min(len, content.length - pos);
          System.arraycopy(content, (int) pos, b, off, n);
          pos += n;
          return n;
        }

        @Override
        public boolean supportsVectoredReads() {
          return vectored;
        }

        @Override
        public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate) {
          List<CompletableFuture<ByteBuffer>> out = new ArrayList<>();
          for (long[] r : ranges) {
            requests.incrementAndGet();
            if (failing.get()) {
              out.add(CompletableFuture.failedFuture(new IOException("503 reading " + location)));
            } else {
              ByteBuffer buf = allocate.apply((int) r[1]);
              buf.put(content, (int) r[0], (int) r[1]).flip();
              out.add(CompletableFuture.supplyAsync(() -> buf));
            }
          }
          return out;
        }
      };
    }
  }

  private static byte[] read(InputFile file, long offset, int len) throws IOException {
    try (SeekableInputStream in = file.newStream()) {
      in.seek(offset);
      byte[] b = new byte[len];
      in.readFully(b, 0, len);
      return b;
    }
  }

  private static byte[] slice(MemoryFile f, long offset, int len) {
    return Arrays.copyOfRange(f.content, (int) offset, (int) offset + len);
  }

  @Test
  void repeatedReadsOfTheSameRangesAreServedFromMemory() throws IOException {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile f = new MemoryFile("s3://b/t/data/a.parquet", 4 << 20, 1, false);
    InputFile cached = cache.wrap(f);
    assertThat(read(cached, 100_000, 300_000)).isEqualTo(slice(f, 100_000, 300_000));
    assertThat(read(cached, 2_000_000, 50_000)).isEqualTo(slice(f, 2_000_000, 50_000));
    assertThat(f.requests).hasValue(2);

    // a new handle on the same file (a later scan) and reads inside cached ranges: no requests, no stream opened
    f.streams.set(0);
    InputFile again = cache.wrap(f);
    assertThat(read(again, 100_000, 300_000)).isEqualTo(slice(f, 100_000, 300_000));
    assertThat(read(again, 150_000, 1_000)).isEqualTo(slice(f, 150_000, 1_000));
    assertThat(read(again, 2_000_000, 50_000)).isEqualTo(slice(f, 2_000_000, 50_000));
    assertThat(f.requests).hasValue(2);
    assertThat(f.streams).hasValue(0);
    RangeCache.Stats stats = cache.stats();
    assertThat(stats.misses()).isEqualTo(2);
    assertThat(stats.hits()).isEqualTo(3);
    // the 50,000-byte read fetched 64 KiB, the least a miss fetches
    assertThat(stats.bytesFetched()).isEqualTo(300_000 + RangeCache.MIN_FETCH_BYTES);
    assertThat(stats.cachedBytes()).isEqualTo(300_000 + RangeCache.MIN_FETCH_BYTES);

    // a read reaching past a cached range is served in two parts, fetching only what is missing
    assertThat(read(again, 390_000, 20_000)).isEqualTo(slice(f, 390_000, 20_000));
    assertThat(f.requests).hasValue(3);
    assertThat(cache.stats().bytesFetched()).isEqualTo(300_000 + 2 * RangeCache.MIN_FETCH_BYTES);

    // small steps through a file: one request per 64 KiB, not one per step
    f.requests.set(0);
    try (SeekableInputStream in = again.newStream()) {
      in.seek(3_000_000);
      byte[] step = new byte[4096];
      for (int i = 0; i < 64; i++) {
        in.readFully(step, 0, step.length);
        assertThat(step).isEqualTo(slice(f, 3_000_000 + i * 4096L, 4096));
      }
    }
    assertThat(f.requests).hasValue(4);
  }

  @Test
  void smallFilesAreFetchedWholeAndFootersInOneRequest() throws IOException {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile small = new MemoryFile("s3://b/t/data/small.parquet", 300_000, 2, false);
    InputFile cachedSmall = cache.wrap(small);
    // footer length, footer, then two column chunks: one request for the whole file
    assertThat(read(cachedSmall, 300_000 - 8, 8)).isEqualTo(slice(small, 300_000 - 8, 8));
    assertThat(read(cachedSmall, 290_000, 9_992)).isEqualTo(slice(small, 290_000, 9_992));
    assertThat(read(cachedSmall, 4, 100_000)).isEqualTo(slice(small, 4, 100_000));
    assertThat(read(cachedSmall, 100_004, 150_000)).isEqualTo(slice(small, 100_004, 150_000));
    assertThat(small.requests).hasValue(1);

    MemoryFile big = new MemoryFile("s3://b/t/data/big.parquet", 5 << 20, 3, false);
    InputFile cachedBig = cache.wrap(big);
    long len = big.length();
    assertThat(read(cachedBig, len - 8, 8)).isEqualTo(slice(big, len - 8, 8));
    assertThat(read(cachedBig, len - 30_000, 29_992)).isEqualTo(slice(big, len - 30_000, 29_992));
    assertThat(big.requests).hasValue(1); // the tail read fetched the last 64 KiB, footer included
    assertThat(cache.stats().bytesFetched()).isEqualTo(300_000 + RangeCache.TAIL_BYTES);
  }

  @Test
  void staysWithinItsBoundEvictingTheLeastRecentlyUsedRanges() throws IOException {
    long max = 4L << 20;
    RangeCache cache = new RangeCache(max);
    MemoryFile f = new MemoryFile("s3://b/t/data/f.parquet", 16 << 20, 4, false);
    InputFile cached = cache.wrap(f);
    int chunk = 1 << 20;
    for (int i = 0; i < 3; i++) {
      read(cached, (long) i * chunk, chunk);
    }
    read(cached, 0, 100); // chunk 0 is now the most recently used
    for (int i = 3; i < 5; i++) {
      read(cached, (long) i * chunk, chunk); // the fifth MiB evicts chunk 1, the least recently used
      assertThat(cache.stats().cachedBytes()).isLessThanOrEqualTo(max);
    }
    assertThat(cache.stats().evictions()).isEqualTo(1);
    read(cached, 5L * chunk, chunk);
    assertThat(cache.stats().evictions()).isEqualTo(2);
    f.requests.set(0);
    read(cached, 10, 1000);
    read(cached, 4L * chunk, chunk);
    assertThat(f.requests).hasValue(0);
    read(cached, chunk, 1000);
    assertThat(f.requests).hasValue(1);

    // a read larger than a quarter of the cache passes through and caches nothing
    long before = cache.stats().cachedBytes();
    assertThat(read(cached, 8L * chunk, 2 * chunk)).isEqualTo(slice(f, 8L * chunk, 2 * chunk));
    assertThat(cache.stats().cachedBytes()).isEqualTo(before);
  }

  @Test
  void filesAreTellApartByLocationAndLength() throws IOException {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile a = new MemoryFile("s3://b/t/data/x.parquet", 2 << 20, 5, false);
    MemoryFile sameNameOtherLength = new MemoryFile("s3://b/t/data/x.parquet", (2 << 20) + 1, 6, false);
    MemoryFile otherName = new MemoryFile("s3://b/t/data/y.parquet", 2 << 20, 5, false);
    assertThat(read(cache.wrap(a), 1000, 5000)).isEqualTo(slice(a, 1000, 5000));
    assertThat(read(cache.wrap(sameNameOtherLength), 1000, 5000)).isEqualTo(slice(sameNameOtherLength, 1000, 5000));
    assertThat(read(cache.wrap(otherName), 1000, 5000)).isEqualTo(slice(otherName, 1000, 5000));
    assertThat(sameNameOtherLength.requests).hasValue(1);
    assertThat(otherName.requests).hasValue(1);
  }

  @Test
  void vectoredReadsServeHitsAtOnceAndCacheWhatTheyFetch() throws Exception {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile f = new MemoryFile("s3://b/t/data/v.parquet", 8 << 20, 7, true);
    InputFile cached = cache.wrap(f);
    List<long[]> ranges = List.of(new long[] {0, 100_000}, new long[] {500_000, 700_000}, new long[] {3_000_000, 4});
    try (SeekableInputStream in = cached.newStream()) {
      assertThat(in.supportsVectoredReads()).isTrue();
      List<CompletableFuture<ByteBuffer>> got = in.readVectored(ranges, ByteBuffer::allocate);
      for (int i = 0; i < ranges.size(); i++) {
        assertThat(bytes(got.get(i).get())).isEqualTo(slice(f, ranges.get(i)[0], (int) ranges.get(i)[1]));
      }
      assertThat(in.getPos()).isZero();
    }
    assertThat(f.requests).hasValue(3);
    // again, plus one new range: only the new one is requested; the hits are complete before the call returns
    List<long[]> more = new ArrayList<>(ranges);
    more.add(new long[] {6_000_000, 50_000});
    try (SeekableInputStream in = cache.wrap(f).newStream()) {
      List<CompletableFuture<ByteBuffer>> got = in.readVectored(more, ByteBuffer::allocate);
      for (int i = 0; i < 3; i++) {
        assertThat(got.get(i)).isCompleted();
      }
      for (int i = 0; i < more.size(); i++) {
        assertThat(bytes(got.get(i).get())).isEqualTo(slice(f, more.get(i)[0], (int) more.get(i)[1]));
      }
    }
    assertThat(f.requests).hasValue(4);
    // and a plain read inside a range a vectored read brought in
    assertThat(read(cache.wrap(f), 600_000, 10_000)).isEqualTo(slice(f, 600_000, 10_000));
    assertThat(f.requests).hasValue(4);

    // a file without vectored reads: the cache reads the missing ranges one by one
    MemoryFile plain = new MemoryFile("s3://b/t/data/p.parquet", 8 << 20, 11, false);
    try (SeekableInputStream in = cache.wrap(plain).newStream()) {
      assertThat(in.supportsVectoredReads()).isTrue();
      List<CompletableFuture<ByteBuffer>> got = in.readVectored(ranges, ByteBuffer::allocate);
      for (int i = 0; i < ranges.size(); i++) {
        assertThat(bytes(got.get(i).get())).isEqualTo(slice(plain, ranges.get(i)[0], (int) ranges.get(i)[1]));
      }
    }
    assertThat(plain.requests).hasValue(3);
    assertThat(read(cache.wrap(plain), 500_000, 700_000)).isEqualTo(slice(plain, 500_000, 700_000));
    assertThat(plain.requests).hasValue(3);
  }

  @Test
  void failuresReachTheReaderAndAreNotCached() throws Exception {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile f = new MemoryFile("s3://b/t/data/e.parquet", 4 << 20, 8, true);
    InputFile cached = cache.wrap(f);
    f.failing.set(true);
    assertThatThrownBy(() -> read(cached, 1000, 5000)).isInstanceOf(IOException.class).hasMessageContaining("reset");
    try (SeekableInputStream in = cached.newStream()) {
      CompletableFuture<ByteBuffer> r = in.readVectored(List.<long[]>of(new long[] {0, 10}), ByteBuffer::allocate).get(0);
      assertThatThrownBy(r::join).hasRootCauseInstanceOf(IOException.class).hasRootCauseMessage("503 reading " + f.location);
    }
    assertThat(cache.stats().cachedBytes()).isZero();
    f.failing.set(false);
    assertThat(read(cached, 1000, 5000)).isEqualTo(slice(f, 1000, 5000));
  }

  @Test
  void concurrentReadersGetTheRightBytesWithinTheBound() throws Exception {
    long max = 6L << 20;
    RangeCache cache = new RangeCache(max);
    List<MemoryFile> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      files.add(new MemoryFile("s3://b/t/data/c" + i + ".parquet", (i + 1) << 20, 10 + i, i % 2 == 0));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        long seed = t;
        done.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 400; i++) {
            MemoryFile f = files.get(r.nextInt(files.size()));
            int len = 1 + r.nextInt(300_000);
            long off = r.nextInt((int) f.length() - len + 1);
            assertThat(read(cache.wrap(f), off, len)).isEqualTo(slice(f, off, len));
            assertThat(cache.stats().cachedBytes()).isLessThanOrEqualTo(max);
          }
          return null;
        }));
      }
      for (Future<?> d : done) {
        d.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.stats().hits()).isPositive();
    assertThat(cache.stats().evictions()).isPositive();
  }

  @Test
  void streamsBehaveLikeStreams() throws IOException {
    RangeCache cache = new RangeCache(64L << 20);
    MemoryFile f = new MemoryFile("s3://b/t/data/s.parquet", 1000, 9, false);
    try (SeekableInputStream in = cache.wrap(f).newStream()) {
      assertThat(in.read()).isEqualTo(f.content[0] & 0xff);
      assertThat(in.skip(10)).isEqualTo(10);
      assertThat(in.getPos()).isEqualTo(11);
      byte[] rest = new byte[2000];
      assertThat(in.read(rest, 0, rest.length)).isEqualTo(989);
      assertThat(in.read(rest, 0, 1)).isEqualTo(-1);
      assertThat(in.read()).isEqualTo(-1);
      assertThatThrownBy(() -> in.seek(1001)).isInstanceOf(java.io.EOFException.class);
      assertThatThrownBy(() -> in.seek(-1)).isInstanceOf(java.io.EOFException.class);
    }
    assertThatThrownBy(() -> new RangeCache(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
