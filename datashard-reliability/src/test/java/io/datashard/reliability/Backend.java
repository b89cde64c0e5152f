package io.datashard.reliability;

import io.datashard.Warehouse;
import io.datashard.s3.S3Config;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a test's table lives: a local directory, or a prefix of a bucket on an in-process S3Proxy reached
 * (optionally) through a proxy. Child JVMs get the same place through {@code DATASHARD_*} variables.
 */
final class Backend implements AutoCloseable {
  final String name;
  private final Path localDir;
  private final S3ProxyServer s3;
  private final URI endpoint;
  private final String prefix;

  private Backend(String name, Path localDir, S3ProxyServer s3, URI endpoint, String prefix) {
    this.name = name;
    this.localDir = localDir;
    this.s3 = s3;
    this.endpoint = endpoint;
    this.prefix = prefix;
  }

  static Backend local(Path dir) {
    return new Backend("local", dir, null, null, null);
  }

  /** Starts an S3Proxy of its own. */
  static Backend s3(String prefix) {
    S3ProxyServer server = S3ProxyServer.start();
    return new Backend("s3", null, server, server.endpoint(), prefix);
  }

  /**
   * @return properties for the tables the tests create: with {@code -Dreliability.metadataCleanup=true}, old
   *     metadata versions are cleaned after every commit and only two are kept, the setting that used to lose
   *     acknowledged commits (docs/concurrency.md). Automatic upkeep is off in every case: the ledger audit
   *     matches one snapshot per acknowledged append, and upkeep's own snapshots (compaction, manifest merge)
   *     would be extra ones; upkeep racing with writers is tested by UpkeepTest and UpkeepS3Test
   */
  static java.util.Map<String, String> tableProperties() {
    return Boolean.getBoolean("reliability.metadataCleanup") ? CLEANUP : NO_UPKEEP;
  }

  static final java.util.Map<String, String> NO_UPKEEP =
      java.util.Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false");

  static final java.util.Map<String, String> CLEANUP = java.util.Map.of(
      io.datashard.TableProperties.METADATA_DELETE_AFTER_COMMIT, "true",
      io.datashard.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2",
      io.datashard.TableProperties.UPKEEP_ENABLED, "false");

  static Backend of(String kind, Path dir) {
    return kind.equals("s3") ? s3("wh-" + Long.toHexString(System.nanoTime())) : local(dir);
  }

  S3ProxyServer server() {
    return s3;
  }

  /** @return the same warehouse reached through another endpoint (a fault-injecting proxy) */
  Warehouse warehouseVia(URI via, int maxAttempts) {
    return Warehouse.of(new S3StorageBackend(s3.configBuilder(via).prefix(prefix).maxAttempts(maxAttempts).build()));
  }

  Warehouse warehouse() {
    if (s3 == null) {
      return Warehouse.local(localDir);
    }
    S3Config config = s3.configBuilder(endpoint).prefix(prefix).build();
    return Warehouse.of(new S3StorageBackend(config));
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    if (s3 == null) {
      env.put("DATASHARD_STORAGE_TYPE", "local");
      env.put("DATASHARD_WAREHOUSE", localDir.toString());
    } else {
      env.put("DATASHARD_STORAGE_TYPE", "s3");
      env.put(S3Config.ENV_ENDPOINT, endpoint.toString());
      env.put(S3Config.ENV_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
      env.put(S3Config.ENV_SECRET_KEY, S3ProxyServer.SECRET_KEY);
      env.put(S3Config.ENV_BUCKET, s3.bucket());
      env.put(S3Config.ENV_REGION, S3ProxyServer.REGION);
      env.put(S3Config.ENV_PREFIX, prefix);
      env.put(S3Config.ENV_PATH_STYLE, "true");
    }
    return env;
  }

  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
