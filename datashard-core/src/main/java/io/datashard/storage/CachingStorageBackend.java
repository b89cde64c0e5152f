package io.datashard.storage;

import io.datashard.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageBackend} decorator keeping a local, size-bounded, least-recently-used copy of the data files
 * read through {@link #newInputFile}, so repeated queries (a notebook re-running a scan on S3) read them from
 * local disk instead of downloading them again.
 *
 * <p>Only {@code .parquet} data files are cached: they are immutable (every data file has a unique name and
 * is never rewritten), so a cached copy can never be stale. Metadata (version files, the version hint,
 * manifests) always goes to the underlying backend. A file is downloaded whole on first read into a temporary
 * name and moved into place atomically; concurrent readers of the same missing file wait for one download.
 * When the cache exceeds its size, the least recently used files are deleted (readers that have one open keep
 * reading it: open files survive deletion on POSIX systems). A file larger than the whole cache is read from
 * the underlying backend directly. Files already in the directory at construction are adopted (oldest
 * modification first in eviction order), so the cache survives restarts. Thread-safe.
 *
 * <pre>{@code
 * Warehouse wh = Warehouse.of(new CachingStorageBackend(s3Backend, Path.of("/tmp/datashard-cache"), 2L << 30));
 * // or: Warehouse.fromEnvironment().withReadCache(Path.of("/tmp/datashard-cache"), 2L << 30)
 * }</pre>
 */
public final class CachingStorageBackend extends ForwardingStorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(CachingStorageBackend.class);
  private static final String SUFFIX = ".cached";

  private final Path directory;
  private final long maxBytes;
  private final Object lock = new Object();
  private final LinkedHashMap<String, Long> lru = new LinkedHashMap<>(16, 0.75f, true); // file name -> size
  private final Map<String, Object> downloads = new ConcurrentHashMap<>();
  private long totalBytes;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param delegate the backend holding the tables (usually S3); closed with this backend
   * @param directory local directory for cached files (created if missing; used only by this cache)
   * @param maxBytes the most bytes of cached files kept
   */
  public CachingStorageBackend(StorageBackend delegate, Path directory, long maxBytes) {
    super(delegate);
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("cache size must be positive, got " + maxBytes);
    }
    this.directory = directory.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(this.directory);
      List<Path> existing = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(this.directory)) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          if (n.endsWith(SUFFIX)) {
            existing.add(p);
          } else if (n.endsWith(".tmp")) {
            Files.deleteIfExists(p); // a download interrupted by a crash
          }
        }
      }
      existing.sort((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
      synchronized (lock) {
        for (Path p : existing) {
          long size = Files.size(p);
          lru.put(p.getFileName().toString(), size);
          totalBytes += size;
        }
        evict();
      }
    } catch (IOException e) {
      throw new StorageException("cannot use cache directory " + this.directory + ": " + e, e);
    }
  }


  /** @return bytes of cached files currently kept */
  public long cachedBytes() {
    synchronized (lock) {
      return totalBytes;
    }
  }

  /** @return data files served from the cache */
  public long hits() {
    return hits.get();
  }

  /** @return data files downloaded into the cache */
  public long misses() {
    return misses.get();
  }

  @Override
  public InputFile newInputFile(String location) {
    if (!location.endsWith(".parquet")) {
      return super.newInputFile(location);
    }
    return new CachedInputFile(location);
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return newInputFile(location); // the cached copy knows its length; metadata reads go straight through
  }

  /** Reads through the cache: the local copy if there is one, else downloads it (once) and reads that. */
  private final class CachedInputFile implements InputFile {
    private final String location;
    private InputFile resolved;

    CachedInputFile(String location) {
      this.location = location;
    }

    private synchronized InputFile resolve() {
      if (resolved == null) {
        resolved = fetch(location);
      }
      return resolved;
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public long length() {
      return resolve().length();
    }

    @Override
    public SeekableInputStream newStream() {
      return resolve().newStream();
    }

    @Override
    public SeekableInputStream newSequentialStream() {
      return resolve().newSequentialStream();
    }
  }

  private InputFile fetch(String location) {
    String name = cacheName(location);
    Path path = directory.resolve(name);
    InputFile local = openCached(name, path, location);
    if (local != null) {
      hits.incrementAndGet();
      return local;
    }
    Object guard = downloads.computeIfAbsent(name, k -> new Object());
    synchronized (guard) {
      try {
        local = openCached(name, path, location);
        if (local != null) {
          hits.incrementAndGet();
          return local;
        }
        InputFile remote = delegate().newInputFile(location);
        long length = remote.length();
        if (length > maxBytes) {
          return remote;
        }
        download(remote, path);
        misses.incrementAndGet();
        synchronized (lock) {
          Long previous = lru.put(name, length);
          totalBytes += length - (previous == null ? 0 : previous);
          evict();
        }
        return new LocalFile(location, path, length);
      } finally {
        downloads.remove(name, guard);
      }
    }
  }

  /** @return the cached copy, marked recently used, or null when it is not cached */
  private InputFile openCached(String name, Path path, String location) {
    Long size;
    synchronized (lock) {
      size = lru.get(name); // access order: marks it recently used
    }
    if (size == null || !Files.exists(path)) {
      return null;
    }
    return new LocalFile(location, path, size);
  }

  private void download(InputFile remote, Path path) {
    Path tmp = directory.resolve(UUID.randomUUID() + ".tmp");
    try (SeekableInputStream in = remote.newSequentialStream(); OutputStream out = Files.newOutputStream(tmp)) {
      in.transferTo(out);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      if (e instanceof StorageException) {
        throw (StorageException) e;
      }
      throw new StorageException("failed downloading " + remote.location() + " into the read cache: " + e, e);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new StorageException("cannot store " + remote.location() + " in the read cache " + directory + ": " + e,
          e);
    }
  }

  /** Deletes least recently used files until the cache fits. Holds {@link #lock}. */
  private void evict() {
    Iterator<Map.Entry<String, Long>> it = lru.entrySet().iterator();
    while (totalBytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      deleteQuietly(directory.resolve(e.getKey()));
      totalBytes -= e.getValue();
      it.remove();
      LOG.debug("read cache evicted {} ({} bytes)", e.getKey(), e.getValue());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  private static String cacheName(String location) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.append(SUFFIX).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A cached copy on local disk. */
  private final class LocalFile implements InputFile {
    private final String location;
    private final Path path;
    private final long length;

    LocalFile(String location, Path path, long length) {
      this.location = location;
      this.path = path;
      this.length = length;
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path,
            java.nio.file.StandardOpenOption.READ);
        return new LocalStorageBackend.LocalSeekableInputStream(ch);
      } catch (NoSuchFileException e) {
        // evicted between lookup and open: fetch it again
        synchronized (lock) {
          Long size = lru.remove(path.getFileName().toString());
          if (size != null) {
            totalBytes -= size;
          }
        }
        return fetch(location).newStream();
      } catch (IOException e) {
        throw new StorageException("cannot read cached copy of " + location + ": " + e, e);
      }
    }
  }

  // ---- everything else is forwarded (ForwardingStorageBackend); deletes also evict ----

  @Override
  public void delete(String location) {
    super.delete(location);
    if (location.endsWith(".parquet")) {
      String name = cacheName(location);
      synchronized (lock) {
        Long size = lru.remove(name);
        if (size != null) {
          totalBytes -= size;
          deleteQuietly(directory.resolve(name));
        }
      }
    }
  }

  @Override
  public String toString() {
    return "CachingStorageBackend{" + delegate() + ", cache " + directory + ", max " + maxBytes + " bytes}";
  }
}
