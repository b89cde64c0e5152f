package io.datashard.s3;

import io.datashard.storage.SeekableInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;

/** Adapts Hadoop's {@link FSDataInputStream} to DataShard's {@link SeekableInputStream}. */
final class HadoopSeekableInputStream extends SeekableInputStream {
  private final FSDataInputStream in;

  HadoopSeekableInputStream(FSDataInputStream in) {
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
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public void readFully(byte[] bytes, int off, int len) throws IOException {
    in.readFully(bytes, off, len);
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
