package io.datashard.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * An {@link InputFile} adding the bytes read through its streams to a counter (per read call, not per byte):
 * how a scan reports bytes read, and how tests prove that projection and pruning read only what they must.
 */
public final class CountingInputFile implements InputFile {
  private final InputFile file;
  private final AtomicLong bytes;

  /**
   * @param file the file to read
   * @param bytes the counter to add to
   */
  public CountingInputFile(InputFile file, AtomicLong bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  @Override
  public String location() {
    return file.location();
  }

  @Override
  public long length() {
    return file.length();
  }

  @Override
  public SeekableInputStream newStream() {
    return counting(file.newStream());
  }

  @Override
  public SeekableInputStream newSequentialStream() {
    return counting(file.newSequentialStream());
  }

  private SeekableInputStream counting(SeekableInputStream in) {
    return new SeekableInputStream() {
      @Override
      public long getPos() throws IOException {
        return in.getPos();
      }

      @Override
      public void seek(long newPos) throws IOException {
        in.seek(newPos);
      }

      @Override
      public boolean supportsVectoredReads() {
        return in.supportsVectoredReads();
      }

      @Override
      public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges,
          IntFunction<ByteBuffer> allocate) throws IOException {
        List<CompletableFuture<ByteBuffer>> futures = in.readVectored(ranges, allocate);
        List<CompletableFuture<ByteBuffer>> counted = new ArrayList<>(futures.size());
        for (CompletableFuture<ByteBuffer> f : futures) {
          counted.add(f.thenApply(buffer -> {
            bytes.addAndGet(buffer.remaining());
            return buffer;
          }));
        }
        return counted;
      }

      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          bytes.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          bytes.addAndGet(n);
        }
        return n;
      }

      @Override
      public void readFully(byte[] b, int off, int len) throws IOException {
        in.readFully(b, off, len);
        bytes.addAndGet(len);
      }

      @Override
      public long skip(long n) throws IOException {
        return in.skip(n);
      }

      @Override
      public int available() throws IOException {
        return in.available();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }
}
