package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyExtension;
import io.datashard.s3.S3ProxyServer;
import io.datashard.server.DataShardServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The library on a REST catalog whose warehouse is on S3 (an in-process S3Proxy). */
class RestS3Test {
  @RegisterExtension
  static final S3ProxyExtension s3 = new S3ProxyExtension();

  /** @return a REST server's catalog properties for a warehouse on this S3 server, below {@code prefix} */
  static Map<String, String> catalogProperties(S3ProxyExtension s3, String prefix) {
    Map<String, String> props = new java.util.HashMap<>(s3.server().catalogProperties(s3.endpoint(), prefix));
    props.put("datashard.use-environment", "false");
    return Map.copyOf(props);
  }

  /** @return the {@code DATASHARD_S3_*} variables a library client writes data files to this S3 server with */
  static Map<String, String> clientEnvironment(S3ProxyExtension s3) {
    return Map.of(
        "DATASHARD_S3_ENDPOINT", s3.endpoint().toString(),
        "DATASHARD_S3_REGION", S3ProxyServer.REGION,
        "DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY,
        "DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY,
        "DATASHARD_S3_PATH_STYLE", "true");
  }

  @Test
  void dataFilesGoToS3WithCredentialsFromTheEnvironment() throws Exception {
    String prefix = "rest-" + UUID.randomUUID();
    Map<String, String> catalogProps = catalogProperties(s3, prefix);
    Map<String, String> clientEnv = clientEnvironment(s3);
    try (DataShardServer server = DataShardServer.builder().catalogProperties(catalogProps).bind("127.0.0.1")
        .port(0).insecureNoAuth().build().start()) {
      int writers = 3;
      int appends = 4;
      try (Warehouse wh = Warehouse.rest(server.uri().toString(), Map.of(), clientEnv)) {
        Table t = wh.createTable("sales.orders", RestWarehouseTest.ORDERS);
        assertThat(t.location()).startsWith("s3://" + s3.bucket() + "/" + prefix + "/");
        t.appendRecords(List.of(RestWarehouseTest.order(0, "first")));
      }
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Warehouse> open = new ArrayList<>();
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          Warehouse wh = Warehouse.rest(server.uri().toString(), Map.of(), clientEnv);
          open.add(wh);
          long base = (w + 1) * 100L;
          done.add(pool.submit(() -> {
            Table t = wh.loadTable("sales.orders");
            for (int i = 0; i < appends; i++) {
              t.appendRecords(List.of(RestWarehouseTest.order(base + i, "w")));
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
        open.forEach(Warehouse::close);
      }
      try (Warehouse wh = Warehouse.rest(server.uri().toString(), Map.of(), clientEnv)) {
        assertThat(RestWarehouseTest.ids(wh.loadTable("sales.orders")))
            .hasSize(1 + writers * appends).doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void credentialsVendedByTheCatalogWinOverTheEnvironment() {
    Map<String, String> env = RestTableCatalog.s3Environment(
        Map.of("DATASHARD_S3_ACCESS_KEY", "env-key", "DATASHARD_S3_SECRET_KEY", "env-secret",
            "DATASHARD_S3_PREFIX", "elsewhere", "DATASHARD_S3_ENDPOINT", "http://127.0.0.1:9000"),
        "s3://bucket-a/wh/sales/orders",
        Map.of("s3.access-key-id", "vended-key", "s3.secret-access-key", "vended-secret",
            "s3.session-token", "vended-token", "client.region", "eu-west-1"));
    assertThat(env).containsEntry("DATASHARD_STORAGE_TYPE", "s3").containsEntry("DATASHARD_S3_BUCKET", "bucket-a")
        .containsEntry("DATASHARD_S3_ACCESS_KEY", "vended-key").containsEntry("DATASHARD_S3_SECRET_KEY", "vended-secret")
        .containsEntry("DATASHARD_S3_SESSION_TOKEN", "vended-token").containsEntry("DATASHARD_S3_REGION", "eu-west-1")
        .containsEntry("DATASHARD_S3_ENDPOINT", "http://127.0.0.1:9000").doesNotContainKey("DATASHARD_S3_PREFIX");
  }
}
