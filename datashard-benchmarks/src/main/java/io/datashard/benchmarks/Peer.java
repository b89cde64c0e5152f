package io.datashard.benchmarks;

import java.net.URI;
import java.nio.file.Path;

/**
 * One table library measured by {@link PeersBench}: DataShard or Apache Iceberg's Java library (HadoopTables).
 * Both sides get the same rows (the {@link Bench#SCHEMA} shape), the same codec (zstd) and the same Parquet
 * settings (128 MiB row groups, 1 MiB pages), and every append is one committed snapshot.
 */
interface Peer extends AutoCloseable {
  /** @return "DataShard" or "Iceberg" */
  String name();

  /** @return a new, empty table */
  PeerTable create(String table);

  /** @return a handle on an existing table (a fresh load, as another process would do) */
  PeerTable load(String table);

  @Override
  void close();

  /** @return the peer called {@code name} on {@code store} */
  static Peer open(String name, Store store) {
    return switch (name) {
      case DataShardPeer.NAME -> new DataShardPeer(store);
      case IcebergPeer.NAME -> new IcebergPeer(store);
      default -> throw new IllegalArgumentException("unknown peer " + name);
    };
  }

  /** A table handle. */
  interface PeerTable {
    /** One commit of rows {@code from .. from+n-1} of {@code cols}, row objects built while writing. */
    Ack append(Bench.Columns cols, int from, int n);

    /**
     * One streaming commit of {@code n} rows generated on the fly from their index (nothing held in memory
     * but what the writer buffers).
     */
    Ack appendGenerated(long from, long n);

    /** One commit of the single row {@code i}. */
    Ack appendOne(long i);

    /** Reads every row, touching every column. @return rows read */
    long scanAll();

    /** Reads the rows with {@code lo <= id < hi}. @return rows read */
    long scanRange(long lo, long hi);

    /** @return committed snapshot ids, after a refresh */
    java.util.Set<Long> snapshotIds();

    /** @return rows in the current snapshot, after a refresh */
    long rowCount();
  }

  /** What a committed append reports: the snapshot it created and how many attempts the commit made. */
  record Ack(long snapshotId, int attempts) {
  }

  /**
   * Where the tables live: a local directory, or a bucket (and prefix) on an S3 endpoint. As a string (for child
   * processes): {@code local:/dir} or {@code s3:http://127.0.0.1:port/bucket/prefix}.
   */
  record Store(Path dir, URI endpoint, String bucket, String prefix) {
    static Store local(Path dir) {
      return new Store(dir, null, null, null);
    }

    static Store s3(URI endpoint, String bucket, String prefix) {
      return new Store(null, endpoint, bucket, prefix);
    }

    boolean isS3() {
      return endpoint != null;
    }

    String kind() {
      return isS3() ? "s3" : "local";
    }

    static Store parse(String spec) {
      if (spec.startsWith("local:")) {
        return local(Path.of(spec.substring("local:".length())));
      }
      if (spec.startsWith("s3:")) {
        URI u = URI.create(spec.substring("s3:".length()));
        String[] p = u.getPath().substring(1).split("/", 2);
        return s3(URI.create(u.getScheme() + "://" + u.getAuthority()), p[0], p.length > 1 ? p[1] : "");
      }
      throw new IllegalArgumentException(spec);
    }

    @Override
    public String toString() {
      return isS3() ? "s3:" + endpoint + "/" + bucket + "/" + prefix : "local:" + dir;
    }
  }

  /** @return the attempt number in a manifest list name {@code snap-<id>-<attempt>-<uuid>.avro}, or 1 */
  static int attemptOf(String manifestList) {
    String name = manifestList.substring(manifestList.lastIndexOf('/') + 1);
    String[] f = name.split("-");
    try {
      return f.length > 2 ? Integer.parseInt(f[2]) : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
