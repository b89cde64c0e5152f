package io.datashard.storage;

import java.io.IOException;
import java.io.OutputStream;

/** An output stream that knows how many bytes it has written. */
public abstract class PositionOutputStream extends OutputStream {
  /** @return the number of bytes written so far */
  public abstract long getPos() throws IOException;
}
