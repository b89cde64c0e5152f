package io.datashard.storage;

import io.datashard.StorageException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@link StorageBackend} on a local (or locally mounted) file system.
 *
 * <p>Locations are {@code file:/absolute/path} URIs. The exclusive create that commits a table version
 * writes a temporary file, forces it to disk, then hard-links it to the final name: {@code link(2)} fails if
 * the name exists, atomically, for every process on the machine (and on NFS v3+ across machines).
 * Whole-file writes and data files are forced to disk before they are reported written, so a committed
 * version never references data lost in a power failure.
 */
public final class LocalStorageBackend implements StorageBackend {
  private final Path rootDir;
  private final String root;
  private final boolean fsync;

  /**
   * @param rootDir the warehouse directory (created if missing)
   */
  public LocalStorageBackend(Path rootDir) {
    this(rootDir, true);
  }

  /**
   * @param rootDir the warehouse directory (created if missing)
   * @param fsync whether to force files and directories to disk (turn off only for throwaway data)
   */
  public LocalStorageBackend(Path rootDir, boolean fsync) {
    this.rootDir = rootDir.toAbsolutePath().normalize();
    this.fsync = fsync;
    try {
      Files.createDirectories(this.rootDir);
    } catch (IOException e) {
      throw new StorageException("cannot create warehouse directory " + this.rootDir + ": " + e, e);
    }
    this.root = toLocation(this.rootDir);
  }

  /** @return the warehouse directory */
  public Path rootDirectory() {
    return rootDir;
  }

  @Override
  public String root() {
    return root;
  }

  static String toLocation(Path p) {
    String s = p.toUri().toString();            // file:///abs/path/ (trailing slash for directories)
    if (s.startsWith("file:///")) {
      s = "file:/" + s.substring("file:///".length());
    }
    return s.endsWith("/") && s.length() > "file:/".length() ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * @param location a {@code file:} location (or a plain absolute path)
   * @return the path
   */
  public Path toPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file://") ? location : "file://" + location.substring(5)));
    }
    if (location.contains("://")) {
      throw new StorageException("not a local location: " + location);
    }
    return Path.of(location);
  }

  @Override
  public byte[] readAll(String location) {
    Path p = toPath(location);
    try {
      return Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundInStorageException(location);
    } catch (IOException e) {
      throw new StorageException("cannot read " + location + ": " + e, e);
    }
  }

  @Override
  public void writeAll(String location, byte[] content) {
    replace(location, content, fsync);
  }

  /**
   * Like {@link #writeAll} (temporary file, atomic rename) but never forced to disk: forcing costs a journal
   * commit (milliseconds) on every table commit, and a hint lost or emptied by a power failure only makes
   * readers list {@code metadata/}.
   */
  @Override
  public void writeAdvisory(String location, byte[] content) {
    replace(location, content, false);
  }

  private void replace(String location, byte[] content, boolean force) {
    Path p = toPath(location);
    Path tmp = p.resolveSibling("." + p.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(p.getParent());
      writeNew(tmp, content, force);
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new StorageException("cannot write " + location + ": " + e, e);
    }
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    Path p = toPath(location);
    Path tmp = p.resolveSibling("." + p.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(p.getParent());
      writeDurably(tmp, content);
      try {
        Files.createLink(p, tmp);
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (UnsupportedOperationException e) {
        // File systems without hard links: an atomic create-new of the final name is equally exclusive,
        // but the content becomes visible while it is written; readers treat a short file as corrupt.
        return createNewFallback(p, content);
      }
      forceDirectory(p.getParent());
      return true;
    } catch (IOException e) {
      throw new StorageException("cannot create " + location + ": " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private boolean createNewFallback(Path p, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, content);
      if (fsync) {
        ch.force(true);
      }
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    forceDirectory(p.getParent());
    return true;
  }

  private void writeDurably(Path p, byte[] content) throws IOException {
    writeNew(p, content, fsync);
  }

  private static void writeNew(Path p, byte[] content, boolean force) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, content);
      if (force) {
        ch.force(true);
      }
    }
  }

  private static void writeFully(FileChannel ch, byte[] content) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(content);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private void forceDirectory(Path dir) {
    if (!fsync) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories; the link itself is already atomic.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  /**
   * Forces the files, then their directories, to disk. The files are forced concurrently: on common disks
   * several fsyncs in flight cost little more than one.
   */
  @Override
  public void sync(java.util.Collection<String> locations) {
    if (!fsync || locations.isEmpty()) {
      return;
    }
    java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
    List<Path> paths = new ArrayList<>();
    for (String l : locations) {
      Path p = toPath(l);
      paths.add(p);
      dirs.add(p.getParent());
    }
    forceAll(paths);
    forceAll(new ArrayList<>(dirs));
  }

  private void forceAll(List<Path> paths) {
    if (paths.size() == 1) {
      force(paths.get(0));
      return;
    }
    List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
    for (Path p : paths.subList(1, paths.size())) {
      pending.add(java.util.concurrent.CompletableFuture.runAsync(() -> force(p), syncThreads));
    }
    force(paths.get(0));
    for (java.util.concurrent.CompletableFuture<Void> f : pending) {
      try {
        f.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof StorageException ? (StorageException) e.getCause()
            : new StorageException("cannot sync files: " + e.getCause(), e.getCause());
      }
    }
  }

  private static void force(Path p) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      throw new StorageException("cannot sync " + p + ": file vanished before the commit", e);
    } catch (IOException e) {
      if (Files.isDirectory(p)) {
        return; // some platforms cannot open directories; the files themselves are forced
      }
      throw new StorageException("cannot sync " + p + ": " + e, e);
    }
  }

  /** Daemon threads that issue concurrent fsyncs; idle threads expire, and close() shuts the pool down. */
  private final java.util.concurrent.ThreadPoolExecutor syncThreads = new java.util.concurrent.ThreadPoolExecutor(
      0, 8, 10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "datashard-fsync");
        t.setDaemon(true);
        return t;
      }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());

  @Override
  public boolean exists(String location) {
    return Files.exists(toPath(location), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void delete(String location) {
    try {
      Files.deleteIfExists(toPath(location));
    } catch (IOException e) {
      throw new StorageException("cannot delete " + location + ": " + e, e);
    }
  }

  @Override
  public List<FileInfo> list(String prefix) {
    Path dir = toPath(prefix);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<FileInfo> out = new ArrayList<>();
    // walkFileTree does not follow symbolic links by default: a link never leads a listing out of the table.
    // Files.walk would fail on a file removed while listing (a concurrent writer's temporary file); this skips it.
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
          if (a.isRegularFile()) {
            out.add(new FileInfo(toLocation(p), a.size(), a.lastModifiedTime().toMillis()));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // removed while listing
          }
          throw e;
        }
      });
    } catch (NoSuchFileException e) {
      return List.of(); // the directory itself was removed while listing
    } catch (IOException e) {
      throw new StorageException("cannot list " + prefix + ": " + e, e);
    }
    return out;
  }

  @Override
  public List<String> listDirectories(String prefix) {
    Path dir = toPath(prefix);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(toLocation(p));
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot list " + prefix + ": " + e, e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public InputFile newInputFile(String location) {
    Path p = toPath(location);
    return new InputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public long length() {
        try {
          return Files.size(p);
        } catch (NoSuchFileException e) {
          throw new FileNotFoundInStorageException(location);
        } catch (IOException e) {
          throw new StorageException("cannot stat " + location + ": " + e, e);
        }
      }

      @Override
      public SeekableInputStream newStream() {
        try {
          return new LocalSeekableInputStream(FileChannel.open(p, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
          throw new FileNotFoundInStorageException(location);
        } catch (IOException e) {
          throw new StorageException("cannot open " + location + ": " + e, e);
        }
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String location) {
    Path p = toPath(location);
    return new OutputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public PositionOutputStream create() {
        try {
          Files.createDirectories(p.getParent());
          FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          return new LocalPositionOutputStream(ch); // durability comes from sync(), once per commit
        } catch (FileAlreadyExistsException e) {
          throw new StorageException("file already exists: " + location, e);
        } catch (IOException e) {
          throw new StorageException("cannot create " + location + ": " + e, e);
        }
      }
    };
  }

  /**
   * 30 seconds: a call is a system call on this machine, applied before it returns; the bound only covers a thread
   * stalled between its last look and the call (a long garbage-collection pause).
   */
  @Override
  public java.time.Duration longestCall() {
    return java.time.Duration.ofSeconds(30);
  }

  @Override
  public void close() {
    syncThreads.shutdown();
  }

  @Override
  public String toString() {
    return "LocalStorageBackend{" + rootDir + "}";
  }

  /** Seekable stream over a file channel (also the local read cache's stream). */
  static final class LocalSeekableInputStream extends SeekableInputStream {
    private final FileChannel ch;
    private final ByteBuffer one = ByteBuffer.allocate(1);

    LocalSeekableInputStream(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public long getPos() throws IOException {
      return ch.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      ch.position(newPos);
    }

    @Override
    public int read() throws IOException {
      one.clear();
      int n = ch.read(one);
      return n <= 0 ? -1 : one.get(0) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return ch.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  /** Buffered output to a channel; forced to disk on close. */
  private static final class LocalPositionOutputStream extends PositionOutputStream {
    private static final int BUFFER = 1 << 16;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private long pos;
    private boolean closed;

    LocalPositionOutputStream(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      if (!buf.hasRemaining()) {
        drain();
      }
      buf.put((byte) b);
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len >= BUFFER) {
        drain();
        writeFully(ch, ByteBuffer.wrap(b, off, len));
      } else {
        if (buf.remaining() < len) {
          drain();
        }
        buf.put(b, off, len);
      }
      pos += len;
    }

    private void drain() throws IOException {
      buf.flip();
      writeFully(ch, buf);
      buf.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        drain();
      } finally {
        ch.close();
      }
    }
  }
}
