package io.datashard.parquet;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.StorageException;
import io.datashard.encryption.FileEncryptor;
import io.datashard.metadata.DataFile;
import io.datashard.storage.OutputFile;
import java.io.IOException;
import java.util.Map;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Streams rows into one Parquet data file and, once closed, describes it as a {@link DataFile} with the
 * column statistics Iceberg manifests carry.
 *
 * <p>Rows go straight into parquet-java's column writers (no record-assembly layer: schemas are flat); this
 * class cuts row groups itself, the way parquet-java's own writer does, and memory is bounded by one row group's
 * buffer ({@link ParquetOptions#rowGroupSizeBytes()}). Values must already be valid for the schema (in the
 * Java representations of {@link io.datashard.Types}); this class does not validate them. Not thread-safe.
 *
 * <pre>{@code
 * try (DataFileWriter w = DataFileWriter.create(storage.newOutputFile(location), schema, options)) {
 *   w.write(record);
 * }
 * DataFile file = w.dataFile();
 * }</pre>
 */
public final class DataFileWriter implements AutoCloseable {
  private final String location;
  private final Schema schema;
  private final OutputFileAdapter output;
  private final RowColumnWriter rows;
  private final ParquetProperties properties;
  private final CompressionCodecFactory codecs;
  private final CompressionCodecFactory.BytesInputCompressor compressor;
  private final ParquetFileWriter fileWriter;
  private final long rowGroupSize;
  /** The file's keys when the table is encrypted (Parquet modular encryption, docs/encryption.md), else null. */
  private final FileEncryptor.FileKeys keys;
  private int rowGroupOrdinal;
  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private long rowGroupRecords;
  private long nextSizeCheck;
  private long recordCount;
  private DataFile result;
  private boolean closed;
  private RuntimeException failure;

  private DataFileWriter(OutputFile file, Schema schema, ParquetOptions options, FileEncryptor encryptor) {
    this.location = file.location();
    this.schema = schema;
    this.output = new OutputFileAdapter(file);
    this.rows = new RowColumnWriter(schema);
    this.rowGroupSize = options.rowGroupSizeBytes();
    ParquetProperties.Builder props = ParquetProperties.builder()
        .withPageSize(options.pageSizeBytes())
        .withDictionaryPageSize(options.dictPageSizeBytes())
        .withDictionaryEncoding(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    for (io.datashard.Field f : schema.fields()) {
      if (f.type().id() == io.datashard.Type.Id.UUID) {
        // Parquet orders UUIDs as unsigned bytes; Iceberg's Java library up to at least 1.12 compares min/max
        // (footer and manifest) as java.util.UUID, signed (apache/iceberg#14216), and so skips row groups and
        // files that hold matching rows whenever a column's range crosses a sign bit. No UUID min/max is
        // better than wrong query results in Iceberg and Spark; null counts are kept (they come from the rows).
        props.withStatisticsEnabled(f.name(), false);
      }
    }
    this.properties = props.build();
    this.codecs = new ParquetCodecs(HadoopConf.shared(), properties.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(options.codec().parquetName());
    try {
      this.keys = encryptor == null ? null : encryptor.newFile(rows.messageType());
    } catch (RuntimeException e) {
      codecs.release();
      throw e;
    }
    try {
      this.fileWriter = new ParquetFileWriter(output, rows.messageType(), ParquetFileWriter.Mode.OVERWRITE,
          rowGroupSize, 0, keys == null ? null : keys.properties(), properties);
      fileWriter.start();
    } catch (IOException | RuntimeException e) {
      codecs.release();
      throw new StorageException("cannot create Parquet file " + location + ": " + e.getMessage(), e);
    }
    startRowGroup();
  }

  private void startRowGroup() {
    // Pages are compressed by DataShard's own codecs, then (encrypted tables) encrypted by the file's encryptor,
    // which needs the ordinal of the row group the pages belong to (part of each module's AES-GCM AAD).
    pageStore = keys == null
        ? new ColumnChunkPageWriteStore(compressor, rows.messageType(), properties.getAllocator(),
            properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled())
        : new ColumnChunkPageWriteStore(compressor, rows.messageType(), properties.getAllocator(),
            properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled(),
            fileWriter.getEncryptor(), rowGroupOrdinal);
    columnStore = properties.newColumnWriteStore(rows.messageType(), pageStore, pageStore);
    rows.bind(columnStore);
    rowGroupRecords = 0;
    nextSizeCheck = properties.getMinRowCountForPageSizeCheck();
  }

  /**
   * Cuts the row group once its buffered size reaches the target. The buffered size is not free to compute, so
   * it is checked only now and then: next halfway to where the current bytes per row say the target will be
   * reached, within parquet-java's page-check row bounds (as parquet-java's own writer does).
   */
  private void maybeFlushRowGroup() throws IOException {
    if (rowGroupRecords < nextSizeCheck) {
      return;
    }
    long buffered = columnStore.getBufferedSize();
    double bytesPerRow = (double) buffered / rowGroupRecords;
    if (buffered > rowGroupSize - 2 * bytesPerRow) {
      flushRowGroup();
      closeRowGroupBuffers();
      startRowGroup();
      return;
    }
    long rowsAtTarget = (long) (rowGroupSize / Math.max(bytesPerRow, 1.0));
    nextSizeCheck = Math.min(Math.max(properties.getMinRowCountForPageSizeCheck(), (rowGroupRecords + rowsAtTarget) / 2),
        rowGroupRecords + properties.getMaxRowCountForPageSizeCheck());
  }

  private void flushRowGroup() throws IOException {
    if (rowGroupRecords == 0) {
      return;
    }
    fileWriter.startBlock(rowGroupRecords);
    columnStore.flush();
    pageStore.flushToFileWriter(fileWriter);
    fileWriter.endBlock();
    rowGroupRecords = 0;
    rowGroupOrdinal++;
  }

  private void closeRowGroupBuffers() {
    ColumnWriteStore columns = columnStore;
    ColumnChunkPageWriteStore pages = pageStore;
    columnStore = null;
    pageStore = null;
    try {
      if (columns != null) {
        columns.close();
      }
    } finally {
      if (pages != null) {
        pages.close();
      }
    }
  }

  /**
   * Opens a writer.
   *
   * @param file where to write; the file is complete only after {@link #close()}
   * @param schema the schema of the rows, which becomes the file's Parquet schema (with field ids)
   * @param options codec, row-group, page and dictionary sizes
   * @return the writer
   */
  public static DataFileWriter create(OutputFile file, Schema schema, ParquetOptions options) {
    return new DataFileWriter(file, schema, options, null);
  }

  /**
   * Opens a writer that encrypts the file (Parquet modular encryption with a new data key, docs/encryption.md).
   *
   * @param file where to write; the file is complete only after {@link #close()}
   * @param schema the schema of the rows
   * @param options codec, row-group, page and dictionary sizes
   * @param encryptor the write's encryptor, or null to write a plaintext file
   * @return the writer; its {@link #dataFile()} carries the key metadata and no bounds of encrypted columns
   * @throws io.datashard.encryption.KeyManagementException when the data key cannot be wrapped
   */
  public static DataFileWriter create(OutputFile file, Schema schema, ParquetOptions options,
      FileEncryptor encryptor) {
    return new DataFileWriter(file, schema, options, encryptor);
  }

  /** @return the location being written */
  public String location() {
    return location;
  }

  /** @return the schema rows follow */
  public Schema schema() {
    return schema;
  }

  /**
   * Writes one record; its schema must have the writer's fields.
   *
   * @param record a valid record
   */
  public void write(Row record) {
    writeRow(record);
  }

  /**
   * Writes one row given as values in schema order. The array is not retained.
   *
   * @param values one value per field
   */
  public void write(Object[] values) {
    writeRow(values);
  }

  private void writeRow(Object row) {
    if (closed) {
      throw new IllegalStateException("writer for " + location + " is closed");
    }
    if (failure != null) {
      throw new IllegalStateException("writer for " + location + " failed earlier; the file is unusable", failure);
    }
    try {
      rows.write(row);
      rowGroupRecords++;
      maybeFlushRowGroup();
    } catch (IOException e) {
      failure = new StorageException("failed writing Parquet file " + location + ": " + e.getMessage(), e);
      throw failure;
    } catch (RuntimeException e) {
      // a row that fails half-way leaves the columns misaligned: the file must not be completed
      failure = e;
      throw e;
    }
    recordCount++;
  }

  /** @return rows written so far */
  public long recordCount() {
    return recordCount;
  }

  /**
   * @return the bytes written so far plus those buffered for the current row group: an estimate of the
   *     file's size were it closed now
   */
  public long length() {
    try {
      return fileWriter.getPos() + (columnStore == null ? 0 : columnStore.getBufferedSize());
    } catch (IOException e) {
      throw new StorageException("cannot tell the size of " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Finishes the file: flushes the last row group and writes the footer. Idempotent. After a failed
   * {@code write} this only releases resources; the file is then unusable and {@link #dataFile()} throws, so
   * the caller should delete it.
   *
   * @throws StorageException when the file cannot be completed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (failure != null) {
      // The columns of the current row group may be misaligned: write no footer, just release the stream.
      try {
        abortInto(failure);
      } finally {
        releaseBuffers();
      }
      return;
    }
    ParquetMetadata footer;
    try {
      flushRowGroup();
      fileWriter.end(Map.of("writer.model.name", "datashard"));
      footer = fileWriter.getFooter();
    } catch (IOException | RuntimeException e) {
      failure = new StorageException("failed closing Parquet file " + location + ": " + e.getMessage(), e);
      abortInto(failure);
      throw failure;
    } finally {
      releaseBuffers();
    }
    long size = output.finalLength();
    DataFile described = FileMetrics.toDataFile(location, schema, footer, rows, recordCount, size);
    result = keys == null ? described : keys.seal(described);
  }

  /** Closes the output without a footer; a failure doing so is added to {@code cause}. */
  private void abortInto(RuntimeException cause) {
    try {
      fileWriter.abort();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void releaseBuffers() {
    try {
      closeRowGroupBuffers();
    } finally {
      codecs.release();
    }
  }

  /**
   * @return the finished file's description (location, size, record count, column statistics, split offsets)
   * @throws IllegalStateException before {@link #close()}
   */
  public DataFile dataFile() {
    if (failure != null) {
      throw new IllegalStateException("writing data file " + location + " failed; the file is unusable", failure);
    }
    if (result == null) {
      throw new IllegalStateException("data file " + location + " is not closed yet");
    }
    return result;
  }
}
