package io.datashard.interop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.testing.ChildJvm;
import io.datashard.interop.S3ProxyProcess;
import io.datashard.interop.ServeProcess;
import io.datashard.s3.S3AppendWorker;
import io.datashard.s3.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every door to one table at once, on S3 (S3Proxy in its own JVM, see {@link S3ProxyProcess}): Spark inserting through
 * {@code catalog-impl=DataShardCatalog}, Spark inserting through {@code datashard serve} (the REST server, its own
 * process), and two JVMs of the DataShard library appending, concurrently. Every acknowledged commit is in the table
 * exactly once, as the library reads it and as Spark reads it. Runs only with {@code -Pspark}.
 */
@Tag("spark")
class SparkLibraryRestConcurrencyTest {
  static final int SPARK_INSERTS = 8;
  static final int LIBRARY_JVMS = 2;
  static final int LIBRARY_APPENDS = 8;

  @Test
  void sparkTheRestServerAndLibraryJvmsCommitToOneS3TableAndLoseNothing() throws Exception {
    Path dir = Files.createTempDirectory("interop-spark-concurrency");
    try (S3ProxyProcess s3 = S3ProxyProcess.start()) {
      String prefix = "doors";
      Map<String, String> s3Env = s3.environment();
      // the namespace folder ns is a library warehouse
      Map<String, String> libraryEnv = new HashMap<>(s3Env);
      libraryEnv.put("DATASHARD_STORAGE_TYPE", "s3");
      libraryEnv.put("DATASHARD_S3_PREFIX", prefix + "/ns");
      try (Warehouse wh = Warehouse.fromEnvironment(libraryEnv)) {
        wh.createTable("t", io.datashard.TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
            Map.of(io.datashard.TableProperties.COMMIT_NUM_RETRIES, "1000",
                "commit.retry.max-wait-ms", "500",
                // one snapshot per acknowledged write is counted below: no upkeep snapshots
                io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
      }

      String warehouse = "s3://" + s3.bucket() + "/" + prefix;
      try (ServeProcess server = ServeProcess.start(dir, s3Env, "--warehouse", warehouse, "--insecure-no-auth")) {
        SparkSession spark = session(dir, warehouse, server.uri().toString(), s3);
        try {
          Set<Long> acked = ConcurrentHashMap.newKeySet();
          List<Process> jvms = new ArrayList<>();
          for (int w = 0; w < LIBRARY_JVMS; w++) {
            jvms.add(ChildJvm.builder(libraryEnv, S3AppendWorker.class.getName(), "t", Integer.toString(w + 1),
                Integer.toString(LIBRARY_APPENDS)).redirectError(dir.resolve("lib-" + w + ".err").toFile()).start());
          }
          ExecutorService pool = Executors.newFixedThreadPool(2);
          List<Future<?>> sparkWriters = new ArrayList<>();
          for (String catalog : List.of("ds", "rest")) {
            long base = catalog.equals("ds") ? 10_000_000L : 20_000_000L;
            sparkWriters.add(pool.submit(() -> {
              for (int i = 0; i < SPARK_INSERTS; i++) {
                long id = base + i;
                spark.sql("INSERT INTO " + catalog + ".ns.t VALUES (" + id + ", '" + catalog + "', 1.0)");
                acked.add(id);
              }
              return null;
            }));
          }
          for (int w = 0; w < LIBRARY_JVMS; w++) {
            Process p = jvms.get(w);
            ChildJvm.readAcks(p, acked, null);
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("lib-" + w + ".err"))).isZero();
          }
          for (Future<?> f : sparkWriters) {
            f.get(10, TimeUnit.MINUTES);
          }
          pool.shutdown();
          assertThat(acked).hasSize(2 * SPARK_INSERTS + LIBRARY_JVMS * LIBRARY_APPENDS);

          try (Warehouse wh = Warehouse.fromEnvironment(libraryEnv)) {
            Table t = wh.loadTable("t");
            List<Long> ids = new ArrayList<>();
            t.scan().select("id").toList().forEach(r -> ids.add(r.getLong("id")));
            assertThat(ids).as("the library's read").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acked);
            assertThat(t.snapshots()).hasSize(acked.size());
          }
          List<Long> bySpark = new ArrayList<>();
          spark.sql("SELECT id FROM rest.ns.t").collectAsList().forEach(r -> bySpark.add(r.getLong(0)));
          assertThat(bySpark).as("Spark's read through REST").doesNotHaveDuplicates()
              .containsExactlyInAnyOrderElementsOf(acked);
        } finally {
          spark.stop();
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static SparkSession session(Path dir, String warehouse, String restUri, S3ProxyProcess s3) {
    SparkSession.Builder b = LocalSpark.builder(dir, "datashard-doors")
        .config("spark.sql.catalog.ds", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ds.catalog-impl", "io.datashard.iceberg.DataShardCatalog")
        .config("spark.sql.catalog.ds.warehouse", warehouse)
        .config("spark.sql.catalog.ds.datashard.use-environment", "false")
        .config("spark.sql.catalog.ds.cache-enabled", "false")
        .config("spark.sql.catalog.rest", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.rest.type", "rest")
        .config("spark.sql.catalog.rest.uri", restUri)
        .config("spark.sql.catalog.rest.cache-enabled", "false")
        .config("spark.sql.catalog.rest.io-impl", "io.datashard.iceberg.StorageFileIO")
        .config("spark.sql.catalog.rest.datashard.use-environment", "false")
        .config("spark.sql.catalog.rest.s3.bucket", s3.bucket())
        .config("spark.sql.catalog.rest.storage-type", "s3");
    for (String catalog : List.of("ds", "rest")) {
      b.config("spark.sql.catalog." + catalog + ".s3.endpoint", s3.endpoint().toString())
          .config("spark.sql.catalog." + catalog + ".s3.region", S3ProxyServer.REGION)
          .config("spark.sql.catalog." + catalog + ".s3.access-key", S3ProxyServer.ACCESS_KEY)
          .config("spark.sql.catalog." + catalog + ".s3.secret-key", S3ProxyServer.SECRET_KEY)
          .config("spark.sql.catalog." + catalog + ".s3.path-style", "true");
    }
    return b.getOrCreate();
  }
}
