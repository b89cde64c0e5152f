package io.datashard.parquet;

import io.datashard.storage.InputFile;
import io.datashard.storage.SeekableInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.ParquetFileRange;

/**
 * Presents a DataShard {@link InputFile} as a parquet-java {@link org.apache.parquet.io.InputFile}.
 *
 * <p>Streams that support vectored reads (S3A) pass Parquet's vectored reads through, so a row group's column chunks
 * are fetched in parallel off the reading thread, as parquet-java does on a Hadoop stream.
 *
 * <p>I/O failures of the underlying storage are re-thrown as {@link StorageReadFailure}, so a reader can tell
 * a storage problem (network, permissions) from a damaged file, which parquet-java reports with plain
 * {@code IOException}s and runtime exceptions.
 */
public final class InputFileAdapter implements org.apache.parquet.io.InputFile {
  private final InputFile file;

  /** @param file the DataShard file to read */
  public InputFileAdapter(InputFile file) {
    this.file = file;
  }

  /** @return the wrapped file's location */
  public String location() {
    return file.location();
  }

  @Override
  public long getLength() {
    return file.length();
  }

  @Override
  public org.apache.parquet.io.SeekableInputStream newStream() {
    SeekableInputStream in = file.newStream();
    return new DelegatingSeekableInputStream(new MarkingStream(in)) {
      @Override
      public long getPos() throws IOException {
        try {
          return in.getPos();
        } catch (IOException e) {
          throw asStorageFailure(e);
        }
      }

      @Override
      public void seek(long newPos) throws IOException {
        try {
          in.seek(newPos);
        } catch (IOException e) {
          throw asStorageFailure(e);
        }
      }

      @Override
      public boolean readVectoredAvailable(ByteBufferAllocator allocator) {
        // Direct buffers would have to be released by the stream on failure; keep vectored reads to heap buffers.
        return !allocator.isDirect() && in.supportsVectoredReads();
      }

      @Override
      public void readVectored(List<ParquetFileRange> ranges, ByteBufferAllocator allocator) throws IOException {
        List<long[]> wanted = new ArrayList<>(ranges.size());
        for (ParquetFileRange r : ranges) {
          wanted.add(new long[] {r.getOffset(), r.getLength()});
        }
        List<CompletableFuture<ByteBuffer>> futures;
        try {
          futures = in.readVectored(wanted, allocator::allocate);
        } catch (IOException e) {
          throw asStorageFailure(e);
        }
        for (int i = 0; i < ranges.size(); i++) {
          ranges.get(i).setDataReadFuture(futures.get(i).handle((buffer, failure) -> {
            if (failure == null) {
              return buffer;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            if (cause instanceof java.io.UncheckedIOException) {
              cause = cause.getCause();
            }
            throw new CompletionException(cause instanceof IOException ? asStorageFailure((IOException) cause) : cause);
          }));
        }
      }
    };
  }

  @Override
  public String toString() {
    return file.location();
  }

  /** An I/O failure raised by the storage backend (as opposed to one detected by the Parquet decoder). */
  public static final class StorageReadFailure extends IOException {
    private static final long serialVersionUID = 1L;

    StorageReadFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** @return the failure marked as the storage's (unchanged when it already is) */
  private static StorageReadFailure asStorageFailure(IOException e) {
    return e instanceof StorageReadFailure ? (StorageReadFailure) e : new StorageReadFailure(e);
  }

  /** Marks every I/O failure of the storage stream as a {@link StorageReadFailure}. */
  private static final class MarkingStream extends InputStream {
    private final InputStream in;

    MarkingStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw asStorageFailure(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw asStorageFailure(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw asStorageFailure(e);
      }
    }

    @Override
    public int available() throws IOException {
      try {
        return in.available();
      } catch (IOException e) {
        throw asStorageFailure(e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
