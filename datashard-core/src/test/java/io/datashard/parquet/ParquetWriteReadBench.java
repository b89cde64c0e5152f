package io.datashard.parquet;

import static io.datashard.Field.required;

import io.datashard.CloseableIterator;
import io.datashard.Record;
import io.datashard.Schema;
import io.datashard.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
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
 * Compares DataShard's Parquet write and read paths with plain parquet-java on 1,000,000 rows of
 * (long, 16-character string, double, long), with zstd and snappy, one file each.
 *
 * <p>Baselines: a minimal hand-written {@link WriteSupport}/{@link ReadSupport} on a mutable primitive row
 * (the fastest way to use parquet-java) and parquet-java's example {@link Group} model. All writers use the
 * same settings (128 MiB row groups, 1 MiB pages, dictionary on, Parquet v1 pages). Each measurement is the
 * best of several rounds, both in wall-clock time and in CPU time of the benchmark thread (less sensitive
 * to other processes on a shared machine; GC threads are not counted). Run: {@code java -cp <test classpath> io.datashard.parquet.ParquetWriteReadBench
 * [rows] [rounds]}.
 */
public final class ParquetWriteReadBench {
  private static final Schema SCHEMA = Schema.of(
      required(1, "id", Types.LONG),
      required(2, "name", Types.STRING),
      required(3, "value", Types.DOUBLE),
      required(4, "ts", Types.LONG));
  private static final MessageType MESSAGE = ParquetSchemas.toMessageType(SCHEMA);

  private ParquetWriteReadBench() {
  }

  /** Mutable primitive row used by the minimal baseline. */
  private static final class Row {
    long id;
    String name;
    double value;
    long ts;
  }

  private static String name(long i) {
    // 16 characters, many distinct values (dictionary overflows to plain encoding as in real data)
    String hex = Long.toHexString(i * 0x9E3779B97F4A7C15L);
    return ("user-" + hex + "0000000000000000").substring(0, 16);
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("datashard-bench");
    TestLocalStorage storage = new TestLocalStorage(dir);
    Configuration conf = HadoopConf.shared();
    System.out.printf(Locale.ROOT, "rows=%d rounds=%d (best round reported, rows/s)%n", rows, rounds);
    for (ParquetOptions.Codec codec : new ParquetOptions.Codec[] {ParquetOptions.Codec.ZSTD,
        ParquetOptions.Codec.SNAPPY}) {
      // [0] = wall-clock rows/s, [1] = rows per CPU-second of this thread (robust on a shared machine)
      double[] wOurs = new double[2], wMin = new double[2], wGroup = new double[2];
      double[] rOurs = new double[2], rMin = new double[2], rGroup = new double[2];
      for (int round = 0; round < rounds; round++) {
        Path ours = dir.resolve("ours-" + codec + ".parquet");
        Path plain = dir.resolve("plain-" + codec + ".parquet");
        Path group = dir.resolve("group-" + codec + ".parquet");
        best(wOurs, rate(rows, () -> writeOurs(storage, ours, codec, rows)));
        best(wMin, rate(rows, () -> writeMinimal(plain, codec.parquetName(), conf, rows)));
        best(wGroup, rate(rows, () -> writeGroup(group, codec.parquetName(), conf, rows)));
        best(rOurs, rate(rows, () -> check(rows, readOurs(storage, ours))));
        best(rMin, rate(rows, () -> check(rows, readMinimal(ours, conf))));
        best(rGroup, rate(rows, () -> check(rows, readGroup(ours, conf))));
      }
      String[] kinds = {"wall", "cpu"};
      for (int k = 0; k < 2; k++) {
        System.out.printf(Locale.ROOT, "%-7s %-4s write: datashard %,.0f | parquet-java minimal %,.0f (%.0f%%) | "
            + "parquet-java Group %,.0f (%.0f%%)%n", codec, kinds[k], wOurs[k], wMin[k], 100 * wOurs[k] / wMin[k],
            wGroup[k], 100 * wOurs[k] / wGroup[k]);
        System.out.printf(Locale.ROOT, "%-7s %-4s read:  datashard %,.0f | parquet-java minimal %,.0f (%.0f%%) | "
            + "parquet-java Group %,.0f (%.0f%%)%n", codec, kinds[k], rOurs[k], rMin[k], 100 * rOurs[k] / rMin[k],
            rGroup[k], 100 * rOurs[k] / rGroup[k]);
      }
      System.out.printf(Locale.ROOT, "%-7s sizes: datashard %,d B, minimal %,d B, Group %,d B%n", codec,
          Files.size(dir.resolve("ours-" + codec + ".parquet")), Files.size(dir.resolve("plain-" + codec
          + ".parquet")), Files.size(dir.resolve("group-" + codec + ".parquet")));
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private interface Task {
    void run() throws Exception;
  }

  private static double[] rate(int rows, Task task) throws Exception {
    System.gc();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    task.run();
    long wall = System.nanoTime() - t0;
    long cpu = mx.getCurrentThreadCpuTime() - c0;
    return new double[] {rows / (wall / 1e9), rows / (cpu / 1e9)};
  }

  private static void best(double[] acc, double[] sample) {
    acc[0] = Math.max(acc[0], sample[0]);
    acc[1] = Math.max(acc[1], sample[1]);
  }

  private static void check(long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException("read " + actual + " rows, expected " + expected);
    }
  }

  // ---- DataShard

  private static void writeOurs(TestLocalStorage storage, Path path, ParquetOptions.Codec codec, int rows) {
    try (DataFileWriter w = DataFileWriter.create(storage.newOutputFile(path.toString()), SCHEMA,
        ParquetOptions.defaults().withCodec(codec))) {
      for (long i = 0; i < rows; i++) {
        w.write(new Object[] {i, name(i), i * 0.25, 1_700_000_000_000_000L + i});
      }
    }
  }

  private static long readOurs(TestLocalStorage storage, Path path) {
    long n = 0;
    long sum = 0;
    try (CloseableIterator<Record> it = DataFileReader.read(storage.newInputFile(path.toString()), SCHEMA)) {
      while (it.hasNext()) {
        Record r = it.next();
        sum += (Long) r.get(0) + ((String) r.get(1)).length();
        n++;
      }
    }
    blackhole(sum);
    return n;
  }

  // ---- plain parquet-java, minimal WriteSupport / ReadSupport

  private static void writeMinimal(Path path, CompressionCodecName codec, Configuration conf, int rows)
      throws IOException {
    Files.deleteIfExists(path);
    try (ParquetWriter<Row> w = new MinimalWriterBuilder(new LocalOutputFile(path)).withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(codec)
        .withRowGroupSize(ParquetOptions.DEFAULT_ROW_GROUP_SIZE_BYTES).withPageSize(ParquetOptions.DEFAULT_PAGE_SIZE_BYTES)
        .withDictionaryPageSize(ParquetOptions.DEFAULT_DICT_SIZE_BYTES).withDictionaryEncoding(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0).build()) {
      Row row = new Row();
      for (long i = 0; i < rows; i++) {
        row.id = i;
        row.name = name(i);
        row.value = i * 0.25;
        row.ts = 1_700_000_000_000_000L + i;
        w.write(row);
      }
    }
  }

  private static final class MinimalWriterBuilder extends ParquetWriter.Builder<Row, MinimalWriterBuilder> {
    MinimalWriterBuilder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected MinimalWriterBuilder self() {
      return this;
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new MinimalWriteSupport();
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
      return new MinimalWriteSupport();
    }
  }

  private static final class MinimalWriteSupport extends WriteSupport<Row> {
    private RecordConsumer rc;

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
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
    public void write(Row r) {
      rc.startMessage();
      rc.startField("id", 0);
      rc.addLong(r.id);
      rc.endField("id", 0);
      rc.startField("name", 1);
      rc.addBinary(Binary.fromString(r.name));
      rc.endField("name", 1);
      rc.startField("value", 2);
      rc.addDouble(r.value);
      rc.endField("value", 2);
      rc.startField("ts", 3);
      rc.addLong(r.ts);
      rc.endField("ts", 3);
      rc.endMessage();
    }
  }

  private static long readMinimal(Path path, Configuration conf) throws IOException {
    long n = 0;
    long sum = 0;
    try (ParquetReader<Row> r = new ReaderBuilder<>(new LocalInputFile(path), new HadoopParquetConfiguration(conf),
        new MinimalReadSupport()).build()) {
      Row row;
      while ((row = r.read()) != null) {
        sum += row.id + row.name.length();
        n++;
      }
    }
    blackhole(sum);
    return n;
  }

  private static final class ReaderBuilder<T> extends ParquetReader.Builder<T> {
    private final ReadSupport<T> support;

    ReaderBuilder(org.apache.parquet.io.InputFile file, ParquetConfiguration conf, ReadSupport<T> support) {
      super(file, conf);
      this.support = support;
    }

    @Override
    protected ReadSupport<T> getReadSupport() {
      return support;
    }
  }

  private static final class MinimalReadSupport extends ReadSupport<Row> {
    @Override
    public ReadContext init(InitContext context) {
      return new ReadContext(context.getFileSchema());
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    public RecordMaterializer<Row> prepareForRead(Configuration conf, Map<String, String> meta, MessageType schema,
        ReadContext ctx) {
      return materializer();
    }

    @Override
    public RecordMaterializer<Row> prepareForRead(ParquetConfiguration conf, Map<String, String> meta,
        MessageType schema, ReadContext ctx) {
      return materializer();
    }

    private static RecordMaterializer<Row> materializer() {
      return new RecordMaterializer<>() {
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
      };
    }
  }

  // ---- plain parquet-java, example Group model

  private static void writeGroup(Path path, CompressionCodecName codec, Configuration conf, int rows)
      throws IOException {
    Files.deleteIfExists(path);
    SimpleGroupFactory factory = new SimpleGroupFactory(MESSAGE);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(path)).withConf(conf)
        .withType(MESSAGE).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(codec)
        .withRowGroupSize(ParquetOptions.DEFAULT_ROW_GROUP_SIZE_BYTES).withPageSize(ParquetOptions.DEFAULT_PAGE_SIZE_BYTES)
        .withDictionaryPageSize(ParquetOptions.DEFAULT_DICT_SIZE_BYTES).withDictionaryEncoding(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0).build()) {
      for (long i = 0; i < rows; i++) {
        Group g = factory.newGroup();
        g.add(0, i);
        g.add(1, name(i));
        g.add(2, i * 0.25);
        g.add(3, 1_700_000_000_000_000L + i);
        w.write(g);
      }
    }
  }

  private static long readGroup(Path path, Configuration conf) throws IOException {
    long n = 0;
    long sum = 0;
    try (ParquetReader<Group> r = new ReaderBuilder<>(new LocalInputFile(path), new HadoopParquetConfiguration(conf),
        new GroupReadSupport()).build()) {
      Group g;
      while ((g = r.read()) != null) {
        sum += g.getLong(0, 0) + g.getString(1, 0).length();
        n++;
      }
    }
    blackhole(sum);
    return n;
  }

  private static volatile long sink;

  private static void blackhole(long v) {
    sink += v;
  }
}
