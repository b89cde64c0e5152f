package io.datashard.s3;

import io.datashard.storage.SeekableInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;

/**
 * Adapts Hadoop's {@link FSDataInputStream} to DataShard's {@link SeekableInputStream}, including Hadoop's
 * vectored reads (S3A fetches the ranges with parallel GETs off the caller's thread).
 */
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
  public boolean supportsVectoredReads() {
    // Every Hadoop 3.4 stream implements readVectored (S3A's streams natively, with parallel ranged GETs); S3A's
    // classic stream does not declare the capability, so it is not asked for (parquet-java does not ask either).
    return true;
  }

  @Override
  public List<CompletableFuture<ByteBuffer>> readVectored(List<long[]> ranges, IntFunction<ByteBuffer> allocate)
      throws IOException {
    List<FileRange> fileRanges = new ArrayList<>(ranges.size());
    for (long[] r : ranges) {
      fileRanges.add(FileRange.createFileRange(r[0], Math.toIntExact(r[1])));
    }
    in.readVectored(fileRanges, allocate);
    List<CompletableFuture<ByteBuffer>> out = new ArrayList<>(fileRanges.size());
    for (FileRange r : fileRanges) {
      out.add(r.getData());
    }
    return out;
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
