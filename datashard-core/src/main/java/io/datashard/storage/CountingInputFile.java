package io.datashard.storage;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

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
    SeekableInputStream in = file.newStream();
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
