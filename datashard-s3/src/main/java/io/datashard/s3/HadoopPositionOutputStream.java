package io.datashard.s3;

import io.datashard.storage.PositionOutputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;

/** Adapts Hadoop's {@link FSDataOutputStream} to DataShard's {@link PositionOutputStream}. */
final class HadoopPositionOutputStream extends PositionOutputStream {
  private final FSDataOutputStream out;

  HadoopPositionOutputStream(FSDataOutputStream out) {
    this.out = out;
  }

  @Override
  public long getPos() throws IOException {
    return out.getPos();
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Completes the upload; the file becomes visible only if this returns normally. */
  @Override
  public void close() throws IOException {
    out.close();
  }
}
