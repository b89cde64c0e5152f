package io.datashard.storage;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test decorator that counts what passes through a {@link StorageBackend}: bytes read through input
 * streams, input files opened, whole-file reads and writes. Used to prove that projection and pruning read
 * only what they must.
 */
public class CountingStorageBackend implements StorageBackend {
  private final StorageBackend delegate;
  /** Bytes read through {@link InputFile} streams. */
  public final AtomicLong bytesRead = new AtomicLong();
  /** Streams opened through {@link InputFile#newStream()}. */
  public final AtomicLong streamsOpened = new AtomicLong();
  /** Calls of {@link #readAll(String)}. */
  public final AtomicLong wholeFileReads = new AtomicLong();
  /** Calls of {@link #writeAll}, {@link #createExclusive} and {@link OutputFile#create()}. */
  public final AtomicLong writes = new AtomicLong();
  /** Every location passed to {@link #sync}, and every exclusive create, in order ("sync:" / "create:" prefixes). */
  public final List<String> durabilityEvents = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public CountingStorageBackend(StorageBackend delegate) {
    this.delegate = delegate;
  }

  public StorageBackend delegate() {
    return delegate;
  }

  /** Sets every counter to zero. */
  public void reset() {
    bytesRead.set(0);
    streamsOpened.set(0);
    wholeFileReads.set(0);
    writes.set(0);
  }

  @Override
  public String root() {
    return delegate.root();
  }

  @Override
  public byte[] readAll(String location) {
    wholeFileReads.incrementAndGet();
    return delegate.readAll(location);
  }

  @Override
  public void writeAll(String location, byte[] content) {
    writes.incrementAndGet();
    delegate.writeAll(location, content);
  }

  @Override
  public void writeAdvisory(String location, byte[] content) {
    writes.incrementAndGet();
    delegate.writeAdvisory(location, content);
  }

  @Override
  public void sync(java.util.Collection<String> locations) {
    locations.forEach(l -> durabilityEvents.add("sync:" + l));
    delegate.sync(locations);
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    durabilityEvents.add("create:" + location);
    writes.incrementAndGet();
    return delegate.createExclusive(location, content);
  }

  @Override
  public boolean exists(String location) {
    return delegate.exists(location);
  }

  @Override
  public void delete(String location) {
    delegate.delete(location);
  }

  @Override
  public List<FileInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public List<String> listDirectories(String prefix) {
    return delegate.listDirectories(prefix);
  }

  @Override
  public InputFile newInputFile(String location) {
    InputFile in = delegate.newInputFile(location);
    return new InputFile() {
      @Override
      public String location() {
        return in.location();
      }

      @Override
      public long length() {
        return in.length();
      }

      @Override
      public SeekableInputStream newStream() {
        streamsOpened.incrementAndGet();
        SeekableInputStream s = in.newStream();
        return new SeekableInputStream() {
          @Override
          public long getPos() throws IOException {
            return s.getPos();
          }

          @Override
          public void seek(long newPos) throws IOException {
            s.seek(newPos);
          }

          @Override
          public int read() throws IOException {
            int b = s.read();
            if (b >= 0) {
              bytesRead.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = s.read(b, off, len);
            if (n > 0) {
              bytesRead.addAndGet(n);
            }
            return n;
          }

          @Override
          public void close() throws IOException {
            s.close();
          }
        };
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String location) {
    OutputFile out = delegate.newOutputFile(location);
    return new OutputFile() {
      @Override
      public String location() {
        return out.location();
      }

      @Override
      public PositionOutputStream create() {
        writes.incrementAndGet();
        return out.create();
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }
}
