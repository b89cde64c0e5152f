package io.datashard.iceberg;

import io.datashard.Warehouse;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.io.Serial;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Apache Iceberg's {@link FileIO} over DataShard's {@link StorageBackend}: the files of a catalog table (data,
 * manifests, manifest lists) are read and written through the same backend as the DataShard library's, so local
 * disk and S3 behave identically for both (S3 data files stream through the backend's S3A client, metadata
 * objects through its SDK client).
 *
 * <p>Serializable for engines that ship a table's {@code FileIO} to executors (Spark): it keeps the
 * {@code DATASHARD_*} settings it was made from and opens its own backend after deserialization. Version files
 * are never written through it: they are published by {@link DataShardTableOperations} through
 * {@link io.datashard.commit.VersionFiles}.
 */
public final class StorageFileIO implements FileIO {
  @Serial
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> settings;
  /** False when made from an open backend without settings: then it cannot reopen one after serialization. */
  private final boolean reopenable;
  private transient volatile StorageBackend storage;
  private transient boolean ownsStorage;

  /** For {@code io-impl}: opens the backend {@link #initialize(Map)}'s properties describe. */
  public StorageFileIO() {
    this.settings = new HashMap<>();
    this.reopenable = true;
  }

  /**
   * @param storage the backend to use (not closed by {@link #close()}: its owner closes it)
   * @param settings the {@code DATASHARD_*} settings that open an equivalent backend elsewhere (after
   *     serialization), or null when there are none
   */
  StorageFileIO(StorageBackend storage, Map<String, String> settings) {
    this.storage = storage;
    this.settings = settings == null ? new HashMap<>() : new HashMap<>(settings);
    this.reopenable = settings != null;
  }

  @Override
  public void initialize(Map<String, String> properties) {
    if (storage == null) {
      settings.putAll(WarehouseSettings.toEnvironment(properties, System.getenv()));
    }
  }

  /** @return the backend, opening it from the settings on first use after deserialization */
  StorageBackend storage() {
    StorageBackend s = storage;
    if (s == null) {
      synchronized (this) {
        if (storage == null) {
          if (!reopenable) {
            throw new IllegalStateException("this FileIO was made from an open StorageBackend and cannot open one "
                + "after serialization: configure the catalog with properties (catalog-impl) instead");
          }
          storage = Warehouse.fromEnvironment(settings).storage();
          ownsStorage = true;
        }
        s = storage;
      }
    }
    return s;
  }

  @Override
  public InputFile newInputFile(String path) {
    return new StorageInputFile(storage(), path, -1);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return new StorageInputFile(storage(), path, length);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return new StorageOutputFile(storage(), path);
  }

  @Override
  public void deleteFile(String path) {
    storage().delete(path);
  }

  @Override
  public Map<String, String> properties() {
    return Map.of(); // the settings may hold secrets: never handed out
  }

  @Override
  public synchronized void close() {
    if (ownsStorage && storage != null) {
      storage.close();
      storage = null;
    }
  }

  @Override
  public String toString() {
    StorageBackend s = storage;
    return "StorageFileIO{" + (s == null ? "not opened" : s.root()) + "}";
  }

  /** An Iceberg input file over a backend file; a missing file is Iceberg's {@link NotFoundException}. */
  private static final class StorageInputFile implements InputFile {
    private final StorageBackend storage;
    private final String location;
    private long length;
    private io.datashard.storage.InputFile file;

    StorageInputFile(StorageBackend storage, String location, long length) {
      this.storage = storage;
      this.location = location;
      this.length = length;
    }

    private io.datashard.storage.InputFile file() {
      if (file == null) {
        file = length >= 0 ? storage.newInputFile(location, length) : storage.newInputFile(location);
      }
      return file;
    }

    @Override
    public long getLength() {
      if (length < 0) {
        try {
          length = file().length();
        } catch (FileNotFoundInStorageException e) {
          throw new NotFoundException(e, "File does not exist: %s", location);
        }
      }
      return length;
    }

    @Override
    public SeekableInputStream newStream() {
      io.datashard.storage.SeekableInputStream in;
      try {
        in = file().newStream();
      } catch (FileNotFoundInStorageException e) {
        throw new NotFoundException(e, "Failed to open input stream for file: %s", location);
      }
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
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public boolean exists() {
      return storage.exists(location);
    }
  }

  /** An Iceberg output file over a backend file. */
  private static final class StorageOutputFile implements OutputFile {
    private final StorageBackend storage;
    private final String location;

    StorageOutputFile(StorageBackend storage, String location) {
      this.storage = storage;
      this.location = location;
    }

    @Override
    public PositionOutputStream create() {
      // Iceberg names every file it creates uniquely; this check only catches a reused name early.
      if (storage.exists(location)) {
        throw new AlreadyExistsException("File already exists: %s", location);
      }
      return createOrOverwrite();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      io.datashard.storage.PositionOutputStream out = storage.newOutputFile(location).create();
      return new PositionOutputStream() {
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

        @Override
        public void close() throws IOException {
          out.close();
          // Iceberg commits do not call StorageBackend.sync: make each file durable before a commit can name it.
          storage.sync(java.util.List.of(location));
        }
      };
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public InputFile toInputFile() {
      return new StorageInputFile(storage, location, -1);
    }
  }
}
