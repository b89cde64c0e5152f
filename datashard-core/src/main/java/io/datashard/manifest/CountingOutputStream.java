package io.datashard.manifest;

import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through and counts them, so a writer knows its file's length without asking the store. */
final class CountingOutputStream extends OutputStream {
  private final OutputStream out;
  private long count;

  CountingOutputStream(OutputStream out) {
    this.out = out;
  }

  long count() {
    return count;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    count += len;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
