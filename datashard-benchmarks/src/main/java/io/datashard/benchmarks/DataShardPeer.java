package io.datashard.benchmarks;

import io.datashard.Appender;
import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.TableScan;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.s3.S3Config;
import io.datashard.s3.S3StorageBackend;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DataShard as shipped (fsync on locally; S3 backend with its defaults). {@code DATASHARD_S3_*} tuning variables in
 * the environment (inherited by the child JVMs) apply as they would for any user, e.g.
 * {@code DATASHARD_S3_READ_STREAM=analytics} measures S3A's analytics read stream instead of the default classic one.
 */
final class DataShardPeer implements Peer {
  static final String NAME = "DataShard";
  private final Warehouse warehouse;

  /**
   * The S3 settings a user of the in-process server would have: its address and credentials, on top of whatever
   * {@code DATASHARD_S3_*} variables the environment sets (read stream, read memory), parsed by DataShard itself.
   */
  static S3Config s3Config(URI endpoint, String bucket, String prefix) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(S3Config.ENV_ENDPOINT, endpoint.toString());
    env.put(S3Config.ENV_REGION, io.datashard.s3.S3ProxyServer.REGION);
    env.put(S3Config.ENV_BUCKET, bucket);
    env.put(S3Config.ENV_ACCESS_KEY, io.datashard.s3.S3ProxyServer.ACCESS_KEY);
    env.put(S3Config.ENV_SECRET_KEY, io.datashard.s3.S3ProxyServer.SECRET_KEY);
    env.put(S3Config.ENV_PATH_STYLE, "true");
    env.put(S3Config.ENV_PREFIX, prefix);
    return S3Config.fromEnvironment(env);
  }

  /** @return the read stream DataShard's S3 backend uses in this run */
  static S3Config.ReadStream readStream() {
    return s3Config(URI.create("http://127.0.0.1:9000"), "bench", "").readStream();
  }

  DataShardPeer(Store store) {
    if (store.isS3()) {
      this.warehouse = Warehouse.of(new S3StorageBackend(s3Config(store.endpoint(), store.bucket(),
          store.prefix() + "/datashard")));
    } else {
      this.warehouse = Warehouse.local(store.dir().resolve("datashard"));
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PeerTable create(String table) {
    return new Handle(warehouse.createTable(table, Bench.SCHEMA, PartitionSpec.unpartitioned(),
        Map.of(TableProperties.PARQUET_COMPRESSION, "zstd")));
  }

  @Override
  public PeerTable load(String table) {
    return new Handle(warehouse.loadTable(table));
  }

  @Override
  public void close() {
    warehouse.close();
  }

  private static final class Handle implements PeerTable {
    private final Table table;

    Handle(Table table) {
      this.table = table;
    }

    @Override
    public Ack append(Bench.Columns cols, int from, int n) {
      try (Appender a = table.newAppend()) {
        for (int i = from; i < from + n; i++) {
          a.add(Row.wrap(Bench.SCHEMA, new Object[] {cols.id[i], cols.name[i], cols.value[i], cols.ts[i]}));
        }
        return ack(a.commit());
      }
    }

    @Override
    public Ack appendGenerated(long from, long n) {
      try (Appender a = table.newAppend()) {
        for (long i = from; i < from + n; i++) {
          a.add(Row.wrap(Bench.SCHEMA, new Object[] {i, Bench.name(i), Bench.value(i), Bench.ts(i)}));
        }
        return ack(a.commit());
      }
    }

    @Override
    public Ack appendOne(long i) {
      return ack(table.appendRecords(List.of(Map.of("id", i, "name", Bench.name(i), "value", Bench.value(i), "ts",
          Bench.ts(i)))));
    }

    private static Ack ack(Snapshot s) {
      return new Ack(s.snapshotId(), Peer.attemptOf(s.manifestListLocation()));
    }

    @Override
    public long scanAll() {
      return consume(table.scan());
    }

    @Override
    public long scanRange(long lo, long hi) {
      return consume(table.scan().filter(Expressions.and(Expressions.greaterThanOrEqual("id", lo),
          Expressions.lessThan("id", hi))));
    }

    private static long consume(TableScan scan) {
      long n = 0;
      long sum = 0;
      try (CloseableIterator<Row> it = scan.iterator()) {
        while (it.hasNext()) {
          Row r = it.next();
          sum += (Long) r.get(0) + ((String) r.get(1)).length() + (long) (double) (Double) r.get(2)
              + (Long) r.get(3);
          n++;
        }
      }
      Bench.consume(sum);
      return n;
    }

    @Override
    public Set<Long> snapshotIds() {
      Set<Long> ids = new HashSet<>();
      for (Snapshot s : table.refresh().snapshots()) {
        ids.add(s.snapshotId());
      }
      return ids;
    }

    @Override
    public long rowCount() {
      return table.refresh().rowCount();
    }
  }
}
