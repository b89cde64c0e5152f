package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.Record;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The table API on S3 (S3Proxy), chosen through DATASHARD_STORAGE_TYPE=s3 as a user would. */
class S3TableEndToEndTest {
  private static final Schema SCHEMA = Schema.of(
      Field.required(1, "user_id", Types.LONG),
      Field.required(2, "event", Types.STRING));

  private static Map<String, String> env(S3ProxyServer server, CountingS3Proxy proxy) {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_ENDPOINT", proxy.endpoint().toString());
    env.put("DATASHARD_S3_BUCKET", server.bucket());
    env.put("DATASHARD_S3_PREFIX", "warehouse");
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    return env;
  }

  @Test
  void createAppendScanAndConcurrentWriters() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(); CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint());
         Warehouse wh = Warehouse.fromEnvironment(env(server, proxy))) {
      assertThat(wh.storage()).isInstanceOf(S3StorageBackend.class);
      Table t = wh.createTable("events", SCHEMA);
      assertThat(t.location()).startsWith("s3://test-bucket/warehouse/");
      proxy.reset();
      t.appendRecords(List.of(Map.of("user_id", 1L, "event", "login"), Map.of("user_id", 2L, "event", "logout")));
      Map<String, Integer> appendCounts = proxy.counts();
      proxy.reset();
      List<Record> rows = wh.loadTable("events").scan().toList();
      Map<String, Integer> scanCounts = proxy.counts();
      System.out.println("S3 requests: append of 2 rows " + appendCounts + ", load+scan " + scanCounts);
      assertThat(rows).hasSize(2);
      assertThat(wh.listTables()).contains("events");

      int writers = 4;
      int commitsEach = 5;
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          long id = 100 + w;
          futures.add(pool.submit(() -> {
            Table mine = wh.loadTable("events"); // each writer its own handle, as separate processes would
            for (int i = 0; i < commitsEach; i++) {
              mine.appendRecords(List.of(Map.of("user_id", id, "event", "e" + i)));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      Table reloaded = wh.loadTable("events");
      assertThat(reloaded.rowCount()).isEqualTo(2 + writers * commitsEach);
      assertThat(reloaded.snapshots()).hasSize(1 + writers * commitsEach);
      assertThat(reloaded.scan().toList()).hasSize(2 + writers * commitsEach);
    }
  }
}
