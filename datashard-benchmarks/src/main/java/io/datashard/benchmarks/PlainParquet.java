package io.datashard.benchmarks;

import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.ParquetSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * The physical reference: plain parquet-java with a minimal hand-written {@link WriteSupport} and
 * {@link ReadSupport} over primitive values (the fastest way to use parquet-java), with the same writer
 * settings DataShard uses by default (128 MiB row groups, 1 MiB pages, 2 MiB dictionary pages, dictionary on,
 * Parquet v1 pages, no write validation) and the same Parquet schema (with Iceberg field ids).
 */
final class PlainParquet {
  static final MessageType MESSAGE = ParquetSchemas.toMessageType(Bench.SCHEMA);
  private static final Configuration CONF = new Configuration(false);

  private PlainParquet() {
  }

  /** Writes every row of {@code cols} to one file. */
  static void write(Path path, Bench.Columns cols, CompressionCodecName codec) throws IOException {
    Files.deleteIfExists(path);
    write(new LocalOutputFile(path), cols, codec);
  }

  /** Writes every row of {@code cols} to one file anywhere parquet-java can write (e.g. S3A). */
  static void write(org.apache.parquet.io.OutputFile file, Bench.Columns cols, CompressionCodecName codec)
      throws IOException {
    try (ParquetWriter<int[]> w = new Builder(file, cols).withConf(CONF)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(codec)
        .withRowGroupSize(ParquetOptions.DEFAULT_ROW_GROUP_SIZE_BYTES)
        .withPageSize(ParquetOptions.DEFAULT_PAGE_SIZE_BYTES)
        .withDictionaryPageSize(ParquetOptions.DEFAULT_DICT_SIZE_BYTES).withDictionaryEncoding(true)
        .withValidation(false)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0).build()) {
      int[] cursor = new int[1]; // one reused cursor: no allocation per row at all
      for (int i = 0; i < cols.rows; i++) {
        cursor[0] = i;
        w.write(cursor);
      }
    }
  }

  private static final class Builder extends ParquetWriter.Builder<int[], Builder> {
    private final Bench.Columns cols;

    Builder(org.apache.parquet.io.OutputFile file, Bench.Columns cols) {
      super(file);
      this.cols = cols;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    protected WriteSupport<int[]> getWriteSupport(Configuration conf) {
      return new ColumnsWriteSupport(cols);
    }

    @Override
    protected WriteSupport<int[]> getWriteSupport(ParquetConfiguration conf) {
      return new ColumnsWriteSupport(cols);
    }
  }

  /** Writes row {@code i} of the pre-generated columns: no object model at all. */
  private static final class ColumnsWriteSupport extends WriteSupport<int[]> {
    private final Bench.Columns cols;
    private RecordConsumer rc;

    ColumnsWriteSupport(Bench.Columns cols) {
      this.cols = cols;
    }

    @Override
    @SuppressWarnings("deprecation")
    public WriteContext init(Configuration configuration) {
      return new WriteContext(MESSAGE, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(MESSAGE, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(int[] cursor) {
      int i = cursor[0];
      rc.startMessage();
      rc.startField("id", 0);
      rc.addLong(cols.id[i]);
      rc.endField("id", 0);
      rc.startField("name", 1);
      rc.addBinary(Binary.fromString(cols.name[i]));
      rc.endField("name", 1);
      rc.startField("value", 2);
      rc.addDouble(cols.value[i]);
      rc.endField("value", 2);
      rc.startField("ts", 3);
      rc.addLong(cols.ts[i]);
      rc.endField("ts", 3);
      rc.endMessage();
    }
  }

  /** A mutable row the minimal reader fills. */
  static final class Row {
    long id;
    String name;
    double value;
    long ts;
  }

  /**
   * Reads every row of a file into fresh {@link Row}s (one object per row, strings decoded, as a user of any
   * object model gets).
   *
   * @return the number of rows
   */
  static long read(Path path) throws IOException {
    return read(new LocalInputFile(path));
  }

  /** {@link #read(Path)} of a file anywhere parquet-java can read (e.g. S3A). */
  static long read(org.apache.parquet.io.InputFile file) throws IOException {
    long n = 0;
    long sum = 0;
    try (ParquetReader<Row> r = new ReaderBuilder(file, new HadoopParquetConfiguration(CONF)).build()) {
      Row row;
      while ((row = r.read()) != null) {
        sum += row.id + row.name.length() + (long) row.value + row.ts;
        n++;
      }
    }
    Bench.consume(sum);
    return n;
  }

  private static final class ReaderBuilder extends ParquetReader.Builder<Row> {
    ReaderBuilder(org.apache.parquet.io.InputFile file, ParquetConfiguration conf) {
      super(file, conf);
    }

    @Override
    protected ReadSupport<Row> getReadSupport() {
      return new RowReadSupport();
    }
  }

  private static final class RowReadSupport extends ReadSupport<Row> {
    @Override
    public ReadContext init(InitContext context) {
      return new ReadContext(context.getFileSchema());
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    public RecordMaterializer<Row> prepareForRead(Configuration conf, Map<String, String> meta, MessageType schema,
        ReadContext ctx) {
      return new RowMaterializer();
    }

    @Override
    public RecordMaterializer<Row> prepareForRead(ParquetConfiguration conf, Map<String, String> meta,
        MessageType schema, ReadContext ctx) {
      return new RowMaterializer();
    }
  }

  private static final class RowMaterializer extends RecordMaterializer<Row> {
    private Row row;
    private final Converter[] converters = {
        new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            row.id = v;
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addBinary(Binary v) {
            row.name = v.toStringUsingUTF8();
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addDouble(double v) {
            row.value = v;
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            row.ts = v;
          }
        }};
    private final GroupConverter root = new GroupConverter() {
      @Override
      public Converter getConverter(int i) {
        return converters[i];
      }

      @Override
      public void start() {
        row = new Row();
      }

      @Override
      public void end() {
      }
    };

    @Override
    public Row getCurrentRecord() {
      return row;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
