package io.datashard.storage;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that knows and can change its position. */
public abstract class SeekableInputStream extends InputStream {
  /** @return the current byte offset */
  public abstract long getPos() throws IOException;

  /** Moves to a byte offset. */
  public abstract void seek(long newPos) throws IOException;

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
