package io.datashard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** An input stream that knows and can change its position. */
public abstract class SeekableInputStream extends InputStream {
  /** @return the current byte offset */
  public abstract long getPos() throws IOException;

  /** Moves to a byte offset. */
  public abstract void seek(long newPos) throws IOException;

  /**
   * @return whether {@link #readVectored} fetches ranges concurrently, off the caller's thread (object stores);
   *     false means callers should read range by range
   */
  public boolean supportsVectoredReads() {
    return false;
  }

  /**
   * Starts reading several byte ranges at once, like Hadoop's vectored reads: the store may coalesce nearby ranges
   * and fetch them in parallel. Does not move the stream's position. Only streams whose
   * {@link #supportsVectoredReads()} is true implement it.
   *
   * @param ranges {@code {offset, length}} pairs, not overlapping
   * @param allocate allocates a buffer of the given size for one range's bytes
   * @return one future per range, in order, each completing with that range's bytes (position 0, limit length)
   *     or with the {@link IOException} that stopped it
   * @throws IOException when the reads cannot be started
   */
  public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate)
      throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not support vectored reads");
  }

  /**
   * Reads up to {@code len} bytes at the current position; every stream implements it.
   *
   * @return the bytes read, at least 1 when {@code len > 0}, or -1 at the end of the file
   */
  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  /** Reads one byte through {@link #read(byte[], int, int)}; streams with a cheaper single-byte read override it. */
  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  /** Reads exactly {@code len} bytes or throws {@link java.io.EOFException}. */
  public void readFully(byte[] bytes, int off, int len) throws IOException {
    int n = 0;
    while (n < len) {
      int r = read(bytes, off + n, len - n);
      if (r < 0) {
        throw new java.io.EOFException("reached end of stream after " + n + " of " + len + " bytes");
      }
      n += r;
    }
  }
}
