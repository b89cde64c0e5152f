package io.datashard.interop;

import io.datashard.Warehouse;
import io.datashard.s3.S3Config;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;

/**
 * Where a DataShard warehouse lives, seen by DataShard ({@link #warehouse()}) and by Iceberg's Java library
 * ({@link #icebergIO()}: Hadoop's local file system, or Iceberg's own {@code S3FileIO}).
 */
abstract class Store implements AutoCloseable {
  abstract String name();

  abstract Warehouse warehouse();

  abstract FileIO icebergIO();

  @Override
  public abstract void close();

  @Override
  public String toString() {
    return name();
  }

  static Store local(Path dir) {
    return new Local(dir);
  }

  static Store s3() {
    return new S3();
  }

  static final class Local extends Store {
    private final Warehouse warehouse;
    private final HadoopFileIO io;

    Local(Path dir) {
      this.warehouse = Warehouse.local(dir);
      this.io = new HadoopFileIO(new Configuration());
    }

    @Override
    String name() {
      return "local";
    }

    @Override
    Warehouse warehouse() {
      return warehouse;
    }

    @Override
    FileIO icebergIO() {
      return io;
    }

    @Override
    public void close() {
      io.close();
      warehouse.close();
    }
  }

  /** In-process S3Proxy; DataShard's S3 backend writes, Iceberg's S3FileIO (AWS SDK 2.56.0) reads. */
  static final class S3 extends Store {
    private final S3ProxyServer server;
    private final Warehouse warehouse;
    private final S3FileIO io;

    S3() {
      this.server = S3ProxyServer.start();
      S3Config config = server.configBuilder().prefix("warehouse").build();
      this.warehouse = Warehouse.of(new S3StorageBackend(config));
      this.io = new S3FileIO();
      io.initialize(Map.of(
          "s3.endpoint", server.endpoint().toString(),
          "s3.path-style-access", "true",
          "s3.access-key-id", S3ProxyServer.ACCESS_KEY,
          "s3.secret-access-key", S3ProxyServer.SECRET_KEY,
          "client.region", S3ProxyServer.REGION,
          "http-client.type", "apache"));
    }

    @Override
    String name() {
      return "s3";
    }

    S3ProxyServer server() {
      return server;
    }

    @Override
    Warehouse warehouse() {
      return warehouse;
    }

    @Override
    FileIO icebergIO() {
      return io;
    }

    @Override
    public void close() {
      try {
        io.close();
        warehouse.close();
      } finally {
        server.close();
      }
    }
  }
}
