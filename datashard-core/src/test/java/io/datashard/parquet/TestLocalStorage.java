package io.datashard.parquet;

import io.datashard.StorageException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import io.datashard.storage.SeekableInputStream;
import io.datashard.storage.StorageBackend;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A minimal java.nio {@link StorageBackend} for tests of this package. Locations are plain absolute paths.
 * It counts the bytes read through its input streams so tests can check what a reader fetched.
 */
final class TestLocalStorage implements StorageBackend {
  private final Path root;
  final AtomicLong bytesRead = new AtomicLong();

  TestLocalStorage(Path root) {
    this.root = root;
  }

  @Override
  public String root() {
    return root.toString();
  }

  @Override
  public byte[] readAll(String location) {
    try {
      return Files.readAllBytes(Path.of(location));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundInStorageException(location);
    } catch (IOException e) {
      throw new StorageException("read " + location, e);
    }
  }

  @Override
  public void writeAll(String location, byte[] content) {
    try {
      Files.createDirectories(Path.of(location).getParent());
      Files.write(Path.of(location), content);
    } catch (IOException e) {
      throw new StorageException("write " + location, e);
    }
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    try {
      Files.write(Path.of(location), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new StorageException("create " + location, e);
    }
  }

  @Override
  public boolean exists(String location) {
    return Files.exists(Path.of(location));
  }

  @Override
  public void delete(String location) {
    try {
      Files.deleteIfExists(Path.of(location));
    } catch (IOException e) {
      throw new StorageException("delete " + location, e);
    }
  }

  @Override
  public List<FileInfo> list(String prefix) {
    Path dir = Path.of(prefix);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<FileInfo> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        try {
          out.add(new FileInfo(p.toString(), Files.size(p), Files.getLastModifiedTime(p).toMillis()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new StorageException("list " + prefix, e);
    }
    return out;
  }

  @Override
  public List<String> listDirectories(String prefix) {
    return List.of();
  }

  @Override
  public InputFile newInputFile(String location) {
    Path path = Path.of(location);
    return new InputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public long length() {
        try {
          return Files.size(path);
        } catch (NoSuchFileException e) {
          throw new FileNotFoundInStorageException(location);
        } catch (IOException e) {
          throw new StorageException("size " + location, e);
        }
      }

      @Override
      public SeekableInputStream newStream() {
        SeekableByteChannel ch;
        try {
          ch = Files.newByteChannel(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          throw new FileNotFoundInStorageException(location);
        } catch (IOException e) {
          throw new StorageException("open " + location, e);
        }
        return new SeekableInputStream() {
          @Override
          public long getPos() throws IOException {
            return ch.position();
          }

          @Override
          public void seek(long newPos) throws IOException {
            ch.position(newPos);
          }

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = ch.read(ByteBuffer.wrap(b, off, len));
            if (n > 0) {
              bytesRead.addAndGet(n);
            }
            return n;
          }

          @Override
          public void close() throws IOException {
            ch.close();
          }
        };
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String location) {
    Path path = Path.of(location);
    return new OutputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public PositionOutputStream create() {
        OutputStream out;
        try {
          Files.createDirectories(path.getParent());
          out = new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024);
        } catch (IOException e) {
          throw new StorageException("create " + location, e);
        }
        return new PositionOutputStream() {
          private long pos;

          @Override
          public long getPos() {
            return pos;
          }

          @Override
          public void write(int b) throws IOException {
            out.write(b);
            pos++;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
          }

          @Override
          public void flush() throws IOException {
            out.flush();
          }

          @Override
          public void close() throws IOException {
            out.close();
          }
        };
      }
    };
  }

  @Override
  public void close() {
  }
}
