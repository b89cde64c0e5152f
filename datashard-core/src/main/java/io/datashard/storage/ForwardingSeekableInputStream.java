package io.datashard.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** A {@link SeekableInputStream} that passes every call to another one; subclasses override what they change. */
public abstract class ForwardingSeekableInputStream extends SeekableInputStream {
  private final SeekableInputStream in;

  /** @param in the stream every call goes to */
  protected ForwardingSeekableInputStream(SeekableInputStream in) {
    this.in = in;
  }

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
  public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate)
      throws IOException {
    return in.readVectored(ranges, allocate);
  }

  @Override
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws IOException {
    in.readFully(b, off, len);
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
}
