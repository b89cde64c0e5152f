package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.iceberg.DataShardCatalog;
import io.datashard.server.DataShardServer;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --catalog URI}: the command line on tables kept by an Iceberg REST catalog (started in-process). */
class CatalogCliTest {
  @TempDir
  Path root;
  @TempDir
  Path work;

  @Test
  void createAppendScanAndDescribeThroughARestCatalog() throws Exception {
    try (DataShardCatalog catalog = new DataShardCatalog("datashard", new LocalStorageBackend(root, false), Map.of());
         DataShardServer server = DataShardServer.builder().catalog(catalog).bind("127.0.0.1").port(0)
             .insecureNoAuth().build().start()) {
      Cli cli = new Cli(Map.of());
      String uri = server.uri().toString();
      cli.ok("--catalog", uri, "create", "sales.orders", "id long not null, item string");
      Path csv = Cli.file(work, "orders.csv", "id,item\n1,apple\n2,pear\n");
      cli.ok("--catalog", uri, "append", "sales.orders", csv.toString());
      assertThat(cli.ok("--catalog", uri, "tables").out()).contains("sales.orders");
      assertThat(cli.ok("--catalog", uri, "scan", "sales.orders", "-f", "csv").out())
          .contains("1,apple").contains("2,pear");
      assertThat(cli.ok("--catalog", uri, "describe", "sales.orders").out()).contains("sales.orders");
      // The table is where the catalog keeps it: a plain file-system reader of the same warehouse sees the rows.
      assertThat(new Cli(root.resolve("sales")).ok("scan", "orders", "-f", "csv").out()).contains("2,pear");
    }
  }
}
