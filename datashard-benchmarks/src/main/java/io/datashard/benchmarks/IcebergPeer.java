package io.datashard.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Apache Iceberg's own Java library, the way a plain Java program uses it without a catalog server:
 * {@link HadoopTables} (file-system tables: the same {@code v<N>.metadata.json} + {@code version-hint.text} layout
 * as DataShard), generic records written with {@code Parquet.writeData(..).createWriterFunc(GenericParquetWriter::create)}
 * and committed with {@code table.newAppend().appendFile(..).commit()} (fast append, default retries), read with
 * {@link IcebergGenerics}. On S3 the tables go through Hadoop S3A ({@code s3a://}), the only file system
 * HadoopTables can commit through (its commit is a rename).
 */
final class IcebergPeer implements Peer {
  static final String NAME = "Iceberg";
  static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "name", Types.StringType.get()),
      Types.NestedField.required(3, "value", Types.DoubleType.get()),
      Types.NestedField.required(4, "ts", Types.LongType.get()));

  private final HadoopTables tables;
  private final String base;

  IcebergPeer(Store store) {
    Configuration conf = new Configuration();
    if (store.isS3()) {
      conf = s3aConfiguration(store);
      this.base = "s3a://" + store.bucket() + "/" + store.prefix() + "/iceberg";
    } else {
      this.base = store.dir().resolve("iceberg").toAbsolutePath().toString();
    }
    this.tables = new HadoopTables(conf);
  }

  /**
   * What S3A needs to reach the in-process server (endpoint, path-style, credentials, plain HTTP); everything else
   * is S3A's default, as an Iceberg user gets it, unless {@link #PEERS_READ_STREAM} names the input stream.
   */
  static Configuration s3aConfiguration(Store store) {
    Configuration conf = new Configuration();
    conf.set("fs.s3a.endpoint", store.endpoint().toString());
    conf.set("fs.s3a.endpoint.region", io.datashard.s3.S3ProxyServer.REGION);
    conf.setBoolean("fs.s3a.path.style.access", true);
    conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
    conf.set("fs.s3a.access.key", io.datashard.s3.S3ProxyServer.ACCESS_KEY);
    conf.set("fs.s3a.secret.key", io.datashard.s3.S3ProxyServer.SECRET_KEY);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    String stream = System.getenv(PEERS_READ_STREAM);
    if (stream != null && !stream.isBlank()) {
      conf.set("fs.s3a.input.stream.type", stream.trim());
    }
    return conf;
  }

  /**
   * Environment variable (inherited by child JVMs) naming the S3A input stream Iceberg and plain parquet-java
   * read with ({@code classic}, {@code analytics}); unset = S3A's default, which in Hadoop 3.4.3 is analytics.
   */
  static final String PEERS_READ_STREAM = "BENCH_PEERS_S3_READ_STREAM";

  /** @return the S3A read stream the peers use in this run */
  static String s3aReadStream() {
    String stream = System.getenv(PEERS_READ_STREAM);
    return stream == null || stream.isBlank() ? "analytics (S3A default)" : stream.trim();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PeerTable create(String table) {
    String location = base + "/" + table;
    tables.create(SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, "zstd", TableProperties.FORMAT_VERSION, "2"), location);
    return load(table);
  }

  @Override
  public PeerTable load(String table) {
    return new Handle(tables.load(base + "/" + table), base + "/" + table);
  }

  @Override
  public void close() {
    // HadoopTables holds no resources of its own; cached Hadoop file systems live until the JVM exits.
  }

  private static final class Handle implements PeerTable {
    private final Table table;
    private volatile CommitReport lastCommit;
    private final GenericRecord template = GenericRecord.create(SCHEMA);

    Handle(Table loaded, String location) {
      // The same table, with a metrics reporter that hands back the snapshot id and attempts of each commit.
      this.table = new BaseTable(((HasTableOperations) loaded).operations(), location, report -> {
        if (report instanceof CommitReport c) {
          lastCommit = c;
        }
      });
    }

    @Override
    public Ack append(Bench.Columns cols, int from, int n) {
      DataWriter<Record> writer = newWriter();
      try (writer) {
        for (int i = from; i < from + n; i++) {
          Record r = template.copy();
          r.set(0, cols.id[i]);
          r.set(1, cols.name[i]);
          r.set(2, cols.value[i]);
          r.set(3, cols.ts[i]);
          writer.write(r);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return commit(writer);
    }

    @Override
    public Ack appendGenerated(long from, long n) {
      DataWriter<Record> writer = newWriter();
      try (writer) {
        for (long i = from; i < from + n; i++) {
          writer.write(row(i));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return commit(writer);
    }

    @Override
    public Ack appendOne(long i) {
      return appendGenerated(i, 1);
    }

    private Record row(long i) {
      Record r = template.copy();
      r.set(0, i);
      r.set(1, Bench.name(i));
      r.set(2, Bench.value(i));
      r.set(3, Bench.ts(i));
      return r;
    }

    private DataWriter<Record> newWriter() {
      OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(
          FileFormat.PARQUET.addExtension(UUID.randomUUID().toString())));
      try {
        return Parquet.writeData(out).forTable(table).createWriterFunc(GenericParquetWriter::create)
            .withSpec(table.spec()).overwrite().build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Ack commit(DataWriter<Record> writer) {
      lastCommit = null;
      table.newAppend().appendFile(writer.toDataFile()).commit();
      CommitReport c = lastCommit;
      if (c == null) {
        throw new IllegalStateException("Iceberg reported no commit");
      }
      return new Ack(c.snapshotId(), (int) c.commitMetrics().attempts().value());
    }

    @Override
    public long scanAll() {
      table.refresh(); // as DataShard's scan does: see the latest commit
      return consume(IcebergGenerics.read(table).build());
    }

    @Override
    public long scanRange(long lo, long hi) {
      table.refresh();
      return consume(IcebergGenerics.read(table).where(Expressions.and(Expressions.greaterThanOrEqual("id", lo),
          Expressions.lessThan("id", hi))).build());
    }

    private static long consume(CloseableIterable<Record> rows) {
      long n = 0;
      long sum = 0;
      try (rows) {
        for (Record r : rows) {
          sum += (Long) r.get(0) + ((String) r.get(1)).length() + (long) (double) (Double) r.get(2) + (Long) r.get(3);
          n++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Bench.consume(sum);
      return n;
    }

    @Override
    public Set<Long> snapshotIds() {
      table.refresh();
      Set<Long> ids = new HashSet<>();
      for (Snapshot s : table.snapshots()) {
        ids.add(s.snapshotId());
      }
      return ids;
    }

    @Override
    public long rowCount() {
      table.refresh();
      Snapshot s = table.currentSnapshot();
      return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
    }
  }
}
