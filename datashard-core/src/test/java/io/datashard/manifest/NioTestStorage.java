package io.datashard.manifest;

import io.datashard.StorageException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import io.datashard.storage.SeekableInputStream;
import io.datashard.storage.StorageBackend;
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
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A minimal java.nio storage backend for tests; locations are {@code file:} URIs or absolute paths. */
final class NioTestStorage implements StorageBackend {
  private final Path root;

  NioTestStorage(Path root) {
    this.root = root;
  }

  Path path(String location) {
    return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
  }

  String location(String relative) {
    return "file:" + root.resolve(relative);
  }

  @Override
  public String root() {
    return "file:" + root;
  }

  @Override
  public byte[] readAll(String location) {
    try {
      return Files.readAllBytes(path(location));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundInStorageException(location);
    } catch (IOException e) {
      throw new StorageException("read " + location, e);
    }
  }

  @Override
  public void writeAll(String location, byte[] content) {
    try {
      Files.createDirectories(path(location).getParent());
      Files.write(path(location), content);
    } catch (IOException e) {
      throw new StorageException("write " + location, e);
    }
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    try {
      Files.createDirectories(path(location).getParent());
      Files.write(path(location), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new StorageException("create " + location, e);
    }
  }

  @Override
  public boolean exists(String location) {
    return Files.exists(path(location));
  }

  @Override
  public void delete(String location) {
    try {
      Files.deleteIfExists(path(location));
    } catch (IOException e) {
      throw new StorageException("delete " + location, e);
    }
  }

  @Override
  public List<FileInfo> list(String prefix) {
    try (Stream<Path> s = Files.walk(path(prefix))) {
      return s.filter(Files::isRegularFile).map(p -> {
        try {
          return new FileInfo("file:" + p, Files.size(p), Files.getLastModifiedTime(p).toMillis());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).collect(Collectors.toList());
    } catch (IOException e) {
      throw new StorageException("list " + prefix, e);
    }
  }

  @Override
  public List<String> listDirectories(String prefix) {
    try (Stream<Path> s = Files.list(path(prefix))) {
      return s.filter(Files::isDirectory).map(p -> "file:" + p).collect(Collectors.toList());
    } catch (IOException e) {
      throw new StorageException("list " + prefix, e);
    }
  }

  @Override
  public InputFile newInputFile(String location) {
    Path p = path(location);
    return new InputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public long length() {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new StorageException("size " + location, e);
        }
      }

      @Override
      public SeekableInputStream newStream() {
        final SeekableByteChannel ch;
        try {
          ch = Files.newByteChannel(p);
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
            return ch.read(ByteBuffer.wrap(b, off, len));
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
    Path p = path(location);
    return new OutputFile() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public PositionOutputStream create() {
        final OutputStream out;
        try {
          Files.createDirectories(p.getParent());
          out = Files.newOutputStream(p);
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
