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
public final class CountingInputFile extends ForwardingInputFile {
  private final AtomicLong bytes;

  /**
   * @param file the file to read
   * @param bytes the counter to add to
   */
  public CountingInputFile(InputFile file, AtomicLong bytes) {
    super(file);
    this.bytes = bytes;
  }

  @Override
  public SeekableInputStream newStream() {
    return new CountingStream(delegate().newStream());
  }

  @Override
  public SeekableInputStream newSequentialStream() {
    return new CountingStream(delegate().newSequentialStream());
  }

  /** Adds every byte read to the counter. */
  private final class CountingStream extends ForwardingSeekableInputStream {
    CountingStream(SeekableInputStream in) {
      super(in);
    }

    @Override
    public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate)
        throws IOException {
      List<CompletableFuture<ByteBuffer>> futures = super.readVectored(ranges, allocate);
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
      int b = super.read();
      if (b >= 0) {
        bytes.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        bytes.addAndGet(n);
      }
      return n;
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
      super.readFully(b, off, len);
      bytes.addAndGet(len);
    }
  }
}
