package io.datashard.parquet;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.metadata.DataFile;
import io.datashard.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into successive Parquet data files, starting a new file once the current one reaches the
 * target file size ({@link ParquetOptions#targetFileSizeBytes()}).
 *
 * <p>Each file's location comes from a caller-supplied generator, which must return a new, unique location
 * on every call. The size is checked every {@value #ROWS_BETWEEN_SIZE_CHECKS} rows, so a file may exceed the
 * target by that many rows. Memory stays bounded by one row group's buffer. Files are opened lazily: no empty
 * file is ever written.
 *
 * <p>Finish with {@link #complete()} to get the files, or {@link #abort()} to delete them. {@link #close()}
 * without {@code complete()} aborts, so a writer used in try-with-resources leaves nothing behind when an
 * exception escapes. Not thread-safe.
 */
public final class RollingDataWriter implements AutoCloseable {
  /** How many rows are written between two checks of the current file's size. */
  public static final int ROWS_BETWEEN_SIZE_CHECKS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(RollingDataWriter.class);

  private final StorageBackend storage;
  private final Schema schema;
  private final ParquetOptions options;
  private final Supplier<String> locations;
  private final io.datashard.encryption.FileEncryptor encryptor;
  private final List<DataFile> completed = new ArrayList<>();
  private final List<String> written = new ArrayList<>();
  private DataFileWriter current;
  private int rowsSinceCheck;
  private boolean finished;

  /**
   * @param storage where files are written (and deleted on abort)
   * @param schema the rows' schema
   * @param options Parquet settings, including the target file size
   * @param locations returns a new unique location for each file
   */
  public RollingDataWriter(StorageBackend storage, Schema schema, ParquetOptions options,
      Supplier<String> locations) {
    this(storage, schema, options, locations, null);
  }

  /**
   * @param storage where files are written (and deleted on abort)
   * @param schema the rows' schema
   * @param options Parquet settings, including the target file size
   * @param locations returns a new unique location for each file
   * @param encryptor encrypts every file written (a new data key each), or null for plaintext files
   */
  public RollingDataWriter(StorageBackend storage, Schema schema, ParquetOptions options,
      Supplier<String> locations, io.datashard.encryption.FileEncryptor encryptor) {
    this.storage = storage;
    this.schema = schema;
    this.options = options;
    this.locations = locations;
    this.encryptor = encryptor;
  }

  /** @param record a valid record of the writer's schema */
  public void write(Row record) {
    writer().write(record);
    afterRow();
  }

  /** @param values a valid row, values in schema order */
  public void write(Object[] values) {
    writer().write(values);
    afterRow();
  }

  private DataFileWriter writer() {
    if (finished) {
      throw new IllegalStateException("rolling writer is already completed or aborted");
    }
    if (current == null) {
      String location = locations.get();
      written.add(location);
      current = DataFileWriter.create(storage.newOutputFile(location), schema, options, encryptor);
    }
    return current;
  }

  private void afterRow() {
    if (++rowsSinceCheck >= ROWS_BETWEEN_SIZE_CHECKS) {
      rowsSinceCheck = 0;
      if (current.length() >= options.targetFileSizeBytes()) {
        closeCurrent();
      }
    }
  }

  private void closeCurrent() {
    DataFileWriter w = current;
    current = null;
    w.close();
    completed.add(w.dataFile());
  }

  /** @return the files finished so far (not including the one being written) */
  public List<DataFile> completedFiles() {
    return Collections.unmodifiableList(new ArrayList<>(completed));
  }

  /**
   * Finishes the current file and returns every file written, in order.
   *
   * @return the data files; empty when no row was written
   */
  public List<DataFile> complete() {
    if (finished) {
      throw new IllegalStateException("rolling writer is already completed or aborted");
    }
    if (current != null) {
      closeCurrent();
    }
    finished = true;
    return List.copyOf(completed);
  }

  /**
   * Stops writing and deletes every file this writer created, finished or not. Safe to call more than once
   * and after {@link #complete()} (which it then undoes).
   */
  public void abort() {
    finished = true;
    if (current != null) {
      DataFileWriter w = current;
      current = null;
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.warn("ignoring failure to close {} while aborting: {}", w.location(), e.toString());
      }
    }
    for (String location : written) {
      storage.delete(location);
    }
    written.clear();
    completed.clear();
  }

  /** Aborts (deletes the files) unless {@link #complete()} was called. */
  @Override
  public void close() {
    if (!finished || current != null) {
      abort();
    }
  }
}
