package io.datashard.parquet;

import io.datashard.Record;
import io.datashard.Schema;
import io.datashard.StorageException;
import io.datashard.metadata.DataFile;
import io.datashard.storage.OutputFile;
import java.io.IOException;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;

/**
 * Streams rows into one Parquet data file and, once closed, describes it as a {@link DataFile} with the
 * column statistics Iceberg manifests carry.
 *
 * <p>Rows are written straight to parquet-java's record consumer; memory is bounded by one row group's
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
  private final RowWriteSupport support;
  private final ParquetWriter<Object> writer;
  private long recordCount;
  private DataFile result;
  private boolean closed;
  private RuntimeException failure;

  private DataFileWriter(OutputFile file, Schema schema, ParquetOptions options) {
    this.location = file.location();
    this.schema = schema;
    this.output = new OutputFileAdapter(file);
    this.support = new RowWriteSupport(schema);
    try {
      Builder builder = new Builder(output, support);
      for (io.datashard.Field f : schema.fields()) {
        if (f.type().id() == io.datashard.Type.Id.UUID) {
          // Parquet orders UUIDs as unsigned bytes; Iceberg's Java library up to at least 1.12 compares min/max
          // (footer and manifest) as java.util.UUID, signed (apache/iceberg#14216), and so skips row groups and
          // files that hold matching rows whenever a column's range crosses a sign bit. No UUID min/max is
          // better than wrong query results in Iceberg and Spark; null counts are kept (they come from the rows).
          builder.withStatisticsEnabled(f.name(), false);
        }
      }
      this.writer = builder
          .withConf(HadoopConf.shared())
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withCompressionCodec(options.codec().parquetName())
          .withRowGroupSize(options.rowGroupSizeBytes())
          .withPageSize(options.pageSizeBytes())
          .withDictionaryPageSize(options.dictPageSizeBytes())
          .withDictionaryEncoding(true)
          .withValidation(false)
          .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
          .build();
    } catch (IOException e) {
      throw new StorageException("cannot create Parquet file " + location + ": " + e.getMessage(), e);
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
    return new DataFileWriter(file, schema, options);
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
  public void write(Record record) {
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
      writer.write(row);
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
    return writer.getDataSize();
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
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
      return;
    }
    try {
      writer.close();
    } catch (IOException e) {
      throw new StorageException("failed closing Parquet file " + location + ": " + e.getMessage(), e);
    }
    long size = output.finalLength();
    result = FileMetrics.toDataFile(location, schema, writer.getFooter(), support, recordCount, size);
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

  /** parquet-java's builder, bound to our write support. */
  private static final class Builder extends ParquetWriter.Builder<Object, Builder> {
    private final RowWriteSupport support;

    Builder(org.apache.parquet.io.OutputFile file, RowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    protected WriteSupport<Object> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<Object> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
      return support;
    }
  }
}
