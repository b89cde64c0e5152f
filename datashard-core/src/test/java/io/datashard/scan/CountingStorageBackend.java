package io.datashard.scan;

import io.datashard.storage.FileInfo;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.SeekableInputStream;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A storage backend decorator counting data-file opens, streams and bytes read, per location. */
public final class CountingStorageBackend implements StorageBackend {
  private final StorageBackend delegate;
  public final Map<String, AtomicLong> inputFilesOpened = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> streamsOpened = new ConcurrentHashMap<>();
  public final AtomicLong bytesRead = new AtomicLong();

  public CountingStorageBackend(StorageBackend delegate) {
    this.delegate = delegate;
  }

  /** @return how many streams were opened on Parquet data files */
  public long dataFileStreams() {
    return streamsOpened.entrySet().stream().filter(e -> e.getKey().endsWith(".parquet"))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  /** @return how many distinct Parquet data files had a stream opened */
  public long distinctDataFilesRead() {
    return streamsOpened.keySet().stream().filter(k -> k.endsWith(".parquet")).count();
  }

  public void reset() {
    inputFilesOpened.clear();
    streamsOpened.clear();
    bytesRead.set(0);
  }

  @Override
  public String root() {
    return delegate.root();
  }

  @Override
  public byte[] readAll(String location) {
    return delegate.readAll(location);
  }

  @Override
  public void writeAll(String location, byte[] content) {
    delegate.writeAll(location, content);
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
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
    inputFilesOpened.computeIfAbsent(location, k -> new AtomicLong()).incrementAndGet();
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
        streamsOpened.computeIfAbsent(location, k -> new AtomicLong()).incrementAndGet();
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
    return delegate.newOutputFile(location);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
