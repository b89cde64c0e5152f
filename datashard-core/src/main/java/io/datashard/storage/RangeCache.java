package io.datashard.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A bounded, in-memory, least-recently-used cache of byte ranges of immutable files, shared by every stream
 * of the files it {@link #wrap wraps}: how repeated scans of the same table on an object store (a notebook
 * re-running a query, a service answering the same dashboard) are served from memory instead of the network.
 *
 * <p>What is cached is what readers ask for: a Parquet reader reads each file's footer, then the column chunks
 * of the row groups it needs, and each of those reads becomes one cached range. Two rules save requests on
 * the first read as well:
 * <ul>
 *   <li>a file of at most {@value #SMALL_FILE_BYTES} bytes is fetched whole on its first read (footer and data
 *       in one request instead of three);
 *   <li>a short read that ends at the end of a larger file (a Parquet footer's length) is widened to the last
 *       {@value #TAIL_BYTES} bytes, which usually hold the footer itself;
 *   <li>any other read that misses fetches at least {@value #MIN_FETCH_BYTES} bytes, so a reader going through a
 *       file in small steps makes one request per {@value #MIN_FETCH_BYTES} bytes, not one per step.
 * </ul>
 * Reads larger than a quarter of the cache go straight to the file, uncached, so one big read cannot flush
 * everything else. Ranges are evicted least recently used first once the cached bytes exceed
 * {@link #maxBytes()}; the bound counts the cached bytes themselves (plus a few dozen bytes of bookkeeping per
 * range, not counted).
 *
 * <p>Files are identified by location and length. That is only safe for files that are never rewritten in
 * place, which is true of table data files (every one has a unique name); do not wrap files that change, such
 * as a version hint. Failures are never cached: a read that fails throws to its caller and the next read tries
 * again. There are no background threads; misses are fetched on the reading thread or, for vectored reads, by
 * the underlying stream's own vectored read. Thread-safe.
 */
public final class RangeCache {
  /** Files of at most this many bytes are fetched whole on their first read. */
  public static final int SMALL_FILE_BYTES = 1 << 20;
  /** A short read ending at the end of a larger file is widened to this many bytes. */
  public static final int TAIL_BYTES = 64 << 10;
  /** A read that misses fetches at least this many bytes (fewer at the end of the file), like S3A's read-ahead. */
  public static final int MIN_FETCH_BYTES = 64 << 10;

  private final long maxBytes;
  private final long maxRangeBytes;
  private final Object lock = new Object();
  /** Per file, its cached ranges by offset. No range contains another, so they are also sorted by end. */
  private final Map<FileKey, NavigableMap<Long, Range>> files = new HashMap<>();
  /** Every cached range, least recently used first. */
  private final LinkedHashMap<Range, Range> lru = new LinkedHashMap<>(64, 0.75f, true);
  private long cachedBytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicLong bytesFetched = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();

  /** @param maxBytes the most bytes of file content kept; must be positive */
  public RangeCache(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("cache size must be positive, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.maxRangeBytes = Math.max(1, maxBytes / 4);
  }

  /** @return the most bytes of file content kept */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * @param file an immutable file
   * @return a view of the file whose random-access streams read through this cache ({@link
   *     InputFile#newSequentialStream()} is not cached: whole-file copies would only flush the cache)
   */
  public InputFile wrap(InputFile file) {
    return new CachedFile(file);
  }

  /** @return counters since this cache was created, and its current size */
  public Stats stats() {
    long size;
    int ranges;
    synchronized (lock) {
      size = cachedBytes;
      ranges = lru.size();
    }
    return new Stats(hits.get(), misses.get(), bytesServed.get(), bytesFetched.get(), evictions.get(), size, ranges);
  }

  /** Drops every cached range (counters are kept). */
  public void clear() {
    synchronized (lock) {
      files.clear();
      lru.clear();
      cachedBytes = 0;
    }
  }

  @Override
  public String toString() {
    return "RangeCache(max " + maxBytes + " bytes, " + stats() + ")";
  }

  /**
   * What a cache has done.
   *
   * @param hits reads served entirely from memory
   * @param misses requests made to the underlying files on behalf of reads (each filled the cache)
   * @param bytesServed bytes handed to readers from memory
   * @param bytesFetched bytes fetched from the underlying files into the cache
   * @param evictions ranges dropped to stay within the bound
   * @param cachedBytes bytes held now
   * @param cachedRanges ranges held now
   */
  public record Stats(long hits, long misses, long bytesServed, long bytesFetched, long evictions, long cachedBytes,
      int cachedRanges) {
  }

  // ------------------------------------------------------------------------------------------------ internals

  /** @return the cached range of the file that contains {@code pos}, or null */
  private Range find(FileKey key, long pos) {
    synchronized (lock) {
      NavigableMap<Long, Range> ranges = files.get(key);
      if (ranges == null) {
        return null;
      }
      Map.Entry<Long, Range> e = ranges.floorEntry(pos);
      if (e == null || e.getValue().end() <= pos) {
        return null;
      }
      lru.get(e.getValue()); // mark as recently used
      return e.getValue();
    }
  }

  private void put(FileKey key, long offset, byte[] bytes) {
    if (bytes.length == 0 || bytes.length > maxRangeBytes) {
      return;
    }
    Range added = new Range(key, offset, bytes);
    synchronized (lock) {
      NavigableMap<Long, Range> ranges = files.computeIfAbsent(key, k -> new TreeMap<>());
      Map.Entry<Long, Range> floor = ranges.floorEntry(offset);
      if (floor != null && floor.getValue().end() >= added.end()) {
        return; // another reader cached it (or more) meanwhile
      }
      // Keep "no range contains another": drop the ranges the new one covers.
      Iterator<Range> covered = ranges.subMap(offset, true, added.end(), false).values().iterator();
      while (covered.hasNext()) {
        Range r = covered.next();
        if (r.end() <= added.end()) {
          covered.remove();
          lru.remove(r);
          cachedBytes -= r.bytes.length;
        }
      }
      ranges.put(offset, added);
      lru.put(added, added);
      cachedBytes += bytes.length;
      Iterator<Range> eldest = lru.keySet().iterator();
      while (cachedBytes > maxBytes && eldest.hasNext()) {
        Range r = eldest.next();
        eldest.remove();
        NavigableMap<Long, Range> of = files.get(r.file);
        of.remove(r.offset);
        if (of.isEmpty()) {
          files.remove(r.file);
        }
        cachedBytes -= r.bytes.length;
        evictions.incrementAndGet();
      }
    }
  }

  /** A file's identity: data files are immutable, so location and length name their content. */
  private record FileKey(String location, long length) {
  }

  /** Bytes {@code [offset, offset + bytes.length)} of a file; identity equality (it is an LRU entry). */
  private static final class Range {
    final FileKey file;
    final long offset;
    final byte[] bytes;

    Range(FileKey file, long offset, byte[] bytes) {
      this.file = file;
      this.offset = offset;
      this.bytes = bytes;
    }

    long end() {
      return offset + bytes.length;
    }
  }

  private final class CachedFile extends ForwardingInputFile {
    private final InputFile file;
    private volatile FileKey key;

    CachedFile(InputFile file) {
      super(file);
      this.file = file;
    }

    FileKey key() {
      FileKey k = key;
      if (k == null) {
        k = new FileKey(file.location(), file.length());
        key = k;
      }
      return k;
    }

    @Override
    public SeekableInputStream newStream() {
      return new CachedStream(this);
    }
  }

  /** Serves reads from cached ranges; opens the file's own stream only on the first miss. */
  private final class CachedStream extends SeekableInputStream {
    private final CachedFile file;
    private final FileKey key;
    private SeekableInputStream in;
    private long pos;
    private boolean closed;

    CachedStream(CachedFile file) {
      this.file = file;
      this.key = file.key();
    }

    private SeekableInputStream in() throws IOException {
      if (closed) {
        throw new IOException("stream of " + file.location() + " is closed");
      }
      if (in == null) {
        in = file.file.newStream();
      }
      return in;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > key.length) {
        throw new EOFException("cannot seek to " + newPos + " in " + file.location() + " of " + key.length + " bytes");
      }
      pos = newPos;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= key.length) {
        return -1;
      }
      int n = (int) Math.min(len, key.length - pos);
      Range cached = find(key, pos);
      if (cached != null) {
        int k = (int) Math.min(n, cached.end() - pos);
        System.arraycopy(cached.bytes, (int) (pos - cached.offset), b, off, k);
        served(k);
        pos += k;
        return k;
      }
      long start;
      long fetchLen;
      if (key.length <= SMALL_FILE_BYTES && key.length <= maxRangeBytes) {
        start = 0;
        fetchLen = key.length;
      } else if (pos + n == key.length && n < TAIL_BYTES && TAIL_BYTES <= maxRangeBytes) {
        start = key.length - TAIL_BYTES;
        fetchLen = TAIL_BYTES;
      } else if (n <= maxRangeBytes) {
        start = pos;
        fetchLen = Math.min(key.length - pos, Math.min(maxRangeBytes, Math.max(n, MIN_FETCH_BYTES)));
      } else {
        // Too big to cache: read it straight from the file.
        SeekableInputStream s = in();
        s.seek(pos);
        int k = s.read(b, off, n);
        if (k > 0) {
          pos += k;
        }
        return k;
      }
      byte[] data = fetch(start, (int) fetchLen);
      System.arraycopy(data, (int) (pos - start), b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      if (n <= 0) {
        return 0;
      }
      long k = Math.min(n, key.length - pos);
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return 0;
    }

    /** Always: hits need no stream at all, and misses of a file without vectored reads are read one by one. */
    @Override
    public boolean supportsVectoredReads() {
      return true;
    }

    @Override
    public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate)
        throws IOException {
      List<CompletableFuture<ByteBuffer>> out = new ArrayList<>(ranges.size());
      List<long[]> missing = new ArrayList<>();
      List<Integer> missingAt = new ArrayList<>();
      for (long[] r : ranges) {
        Range cached = find(key, r[0]);
        if (cached != null && cached.end() >= r[0] + r[1]) {
          ByteBuffer buf = allocate.apply(Math.toIntExact(r[1]));
          buf.put(cached.bytes, (int) (r[0] - cached.offset), (int) r[1]).flip();
          served(r[1]);
          out.add(CompletableFuture.completedFuture(buf));
        } else {
          missing.add(r);
          missingAt.add(out.size());
          out.add(null);
        }
      }
      if (missing.isEmpty()) {
        return out;
      }
      SeekableInputStream s = in();
      if (!s.supportsVectoredReads()) {
        // No vectored reads underneath: fetch the missing ranges one by one, as plain reads are.
        for (int i = 0; i < missing.size(); i++) {
          long[] r = missing.get(i);
          CompletableFuture<ByteBuffer> result;
          try {
            byte[] data = fetch(r[0], Math.toIntExact(r[1]));
            result = CompletableFuture.completedFuture(allocate.apply(data.length).put(data).flip());
          } catch (IOException e) {
            result = CompletableFuture.failedFuture(e);
          }
          out.set(missingAt.get(i), result);
        }
        return out;
      }
      List<CompletableFuture<ByteBuffer>> fetched = s.readVectored(missing, allocate);
      for (int i = 0; i < missing.size(); i++) {
        long offset = missing.get(i)[0];
        out.set(missingAt.get(i), fetched.get(i).thenApply(buf -> {
          misses.incrementAndGet();
          bytesFetched.addAndGet(buf.remaining());
          if (buf.remaining() <= maxRangeBytes) {
            byte[] copy = new byte[buf.remaining()];
            buf.duplicate().get(copy);
            put(key, offset, copy);
          }
          return buf;
        }));
      }
      return out;
    }

    /** Reads {@code len} bytes at {@code start} from the file itself, counts the request and caches the bytes. */
    private byte[] fetch(long start, int len) throws IOException {
      byte[] data = new byte[len];
      SeekableInputStream s = in();
      s.seek(start);
      s.readFully(data, 0, len);
      misses.incrementAndGet();
      bytesFetched.addAndGet(len);
      put(key, start, data);
      return data;
    }

    private void served(long bytes) {
      hits.incrementAndGet();
      bytesServed.addAndGet(bytes);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      if (in != null) {
        in.close();
        in = null;
      }
    }
  }
}
