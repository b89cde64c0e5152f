package io.datashard.parquet;

import io.datashard.storage.OutputFile;
import java.io.IOException;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Presents a DataShard {@link OutputFile} as a parquet-java {@link org.apache.parquet.io.OutputFile}.
 *
 * <p>The adapter remembers how many bytes the stream it created had written when it was closed, which is
 * the size of the finished Parquet file ({@link #finalLength()}). One adapter creates at most one stream.
 */
public final class OutputFileAdapter implements org.apache.parquet.io.OutputFile {
  private final OutputFile file;
  private volatile long finalLength = -1;
  private boolean created;

  /** @param file the DataShard file to write */
  public OutputFileAdapter(OutputFile file) {
    this.file = file;
  }

  /** @return the wrapped file's location */
  public String location() {
    return file.location();
  }

  /** @return the number of bytes written once the stream is closed, or -1 while it is open */
  public long finalLength() {
    return finalLength;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return open();
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    return open();
  }

  private synchronized PositionOutputStream open() {
    if (created) {
      throw new IllegalStateException("output file " + file.location() + " was already created");
    }
    created = true;
    io.datashard.storage.PositionOutputStream out = file.create();
    return new DelegatingPositionOutputStream(out) {
      private boolean closed;

      @Override
      public long getPos() throws IOException {
        return out.getPos();
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        long pos = out.getPos();
        super.close();
        finalLength = pos;
      }
    };
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return file.location();
  }

  @Override
  public String toString() {
    return file.location();
  }
}
