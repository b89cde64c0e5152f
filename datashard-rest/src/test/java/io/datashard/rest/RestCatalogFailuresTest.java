package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.datashard.DataShardException;
import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.TableNotFoundException;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.server.Credentials;
import io.datashard.server.DataShardServer;
import io.datashard.server.Principal;
import io.datashard.server.Role;
import io.datashard.server.TokenSigner;
import io.datashard.storage.LocalStorageBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REST catalog that misbehaves: it hangs, answers garbage or 500, names an unknown namespace, or gets an expired
 * token. Each is a clear error naming the catalog and what was being done, within bounded time, and nothing is
 * committed.
 */
class RestCatalogFailuresTest {
  private static final Schema ORDERS = Schema.of(Field.required("id", Types.LONG), Field.optional("item", Types.STRING));

  @TempDir
  Path root;

  @Test
  void aCatalogThatNeverAnswersFailsWithinTheTimeoutNamingIt() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // accepted, never answered
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String uri = "http://127.0.0.1:" + silent.getLocalPort();
      // a hang guard, not a speed target: without a socket timeout this call never returns
      DataShardException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> org.assertj.core.api.Assertions
          .catchThrowableOfType(() -> Warehouse.rest(uri, Map.of(RestTableCatalog.SOCKET_TIMEOUT_MS, "500"),
              Map.of()), DataShardException.class));
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains(uri).contains("connect");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void timeoutsAreBoundedByDefaultAndTheCallerCanSetThem() {
    assertThat(RestTableCatalog.withDefaults(Map.of())).containsEntry(RestTableCatalog.CONNECT_TIMEOUT_MS, "10000")
        .containsEntry(RestTableCatalog.SOCKET_TIMEOUT_MS, "60000");
    assertThat(RestTableCatalog.withDefaults(Map.of(RestTableCatalog.SOCKET_TIMEOUT_MS, "5")))
        .containsEntry(RestTableCatalog.SOCKET_TIMEOUT_MS, "5");
  }

  @Test
  void garbageAndServerErrorsAreClearErrorsNamingTheCatalog() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/garbage/", ex -> {
      byte[] body = "{\"this is\": not json".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.createContext("/broken/", ex -> {
      byte[] body = "<html>internal error</html>".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    try {
      for (String path : List.of("/garbage", "/broken")) {
        String uri = "http://127.0.0.1:" + http.getAddress().getPort() + path;
        assertThatThrownBy(() -> Warehouse.rest(uri, Map.of(), Map.of())).as(path)
            .isInstanceOf(DataShardException.class).hasMessageContaining(uri).hasMessageContaining("connect");
      }
    } finally {
      http.stop(0);
    }
  }

  @Test
  void unknownNamespacesAndExpiredTokensAreNamedAndChangeNothing() throws Exception {
    byte[] key = "failures-signing-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    String secret = "writer-secret-0123456789";
    try (DataShardCatalog catalog = new DataShardCatalog("failures", new LocalStorageBackend(root, false), Map.of());
         DataShardServer server = DataShardServer.builder().catalog(catalog).bind("127.0.0.1").port(0)
             .credentials(Credentials.builder().add("writer", Role.READ_WRITE, secret).build())
             .tokenSigner(new TokenSigner(key, Clock.systemUTC())).build().start()) {
      String uri = server.uri().toString();
      try (Warehouse wh = Warehouse.rest(uri, Map.of("credential", "writer:" + secret), Map.of())) {
        wh.createTable("sales.orders", ORDERS).appendRecords(List.of(Map.of("id", 1L, "item", "a")));
        assertThatThrownBy(() -> wh.loadTable("nowhere.orders")).isInstanceOf(TableNotFoundException.class)
            .hasMessageContaining("nowhere.orders").hasMessageContaining(uri);
        assertThat(wh.tableExists("nowhere.orders")).isFalse();
      }

      // a token the server itself issued two hours ago for one minute
      TokenSigner past = new TokenSigner(key, Clock.fixed(Instant.now().minusSeconds(7200), ZoneOffset.UTC));
      String expired = past.issue(new Principal("writer", Role.READ_WRITE), 60);
      assertThatThrownBy(() -> Warehouse.rest(uri, Map.of("token", expired), Map.of()))
          .isInstanceOf(CatalogAccessException.class).hasMessageContaining(uri).hasMessageContaining("401")
          .hasMessageContaining("expired").hasMessageNotContaining(expired);

      try (Warehouse wh = Warehouse.rest(uri, Map.of("credential", "writer:" + secret), Map.of())) {
        assertThat(wh.loadTable("sales.orders").snapshots()).hasSize(1);
        assertThat(wh.listTables()).containsExactly("sales.orders");
      }
    }
  }
}
