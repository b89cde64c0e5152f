package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names that try to reach outside the warehouse are refused with 400 (an Iceberg error body) and touch nothing. */
class PathEscapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path root;
  private Path warehouse;
  private ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    warehouse = Files.createDirectories(root.resolve("warehouse"));
    fixture = ServerFixture.start(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString()));
    HttpResponse<String> ok = Http.postJson(fixture.server.uri(), "/v1/namespaces", ServerFixture.WRITER_SECRET,
        "{\"namespace\":[\"ns\"],\"properties\":{}}");
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private void assert400(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asInt()).isEqualTo(400);
  }

  private List<Path> outsideWarehouse() throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> !p.equals(warehouse)).toList();
    }
  }

  @Test
  void escapingNamesInPathsAre400() throws Exception {
    List<String> paths = List.of(
        "/v1/namespaces/..",
        "/v1/namespaces/%2E%2E",
        "/v1/namespaces/%2E%2E/tables",
        "/v1/namespaces/ns%2F..%2F..",
        "/v1/namespaces/a%2Fb",
        "/v1/namespaces/a%5Cb",
        "/v1/namespaces/%2Ftmp",
        "/v1/namespaces/a%00b",
        "/v1/namespaces/ns%1F..",
        "/v1/namespaces//tables",
        "/v1/namespaces/ns/tables/..",
        "/v1/namespaces/ns/tables/%2E%2E%2F%2E%2E%2Fescaped",
        "/v1/namespaces/ns/tables/x%00",
        "/v1/namespaces/ns/tables/%2Fetc%2Fpasswd",
        "/v1/namespaces?parent=..",
        "/v1/namespaces?parent=ns%1F..%1F..");
    for (String p : paths) {
      assert400(Http.get(fixture.server.uri(), p, ServerFixture.WRITER_SECRET));
    }
    assert400(Http.send("DELETE", fixture.server.uri(), "/v1/namespaces/ns/tables/..%2F..?purgeRequested=true",
        ServerFixture.WRITER_SECRET, null, null));
    assert400(Http.send("DELETE", fixture.server.uri(), "/v1/namespaces/%2E%2E", ServerFixture.WRITER_SECRET,
        null, null));
  }

  @Test
  void escapingNamesInBodiesAre400() throws Exception {
    for (String ns : List.of("[\"..\"]", "[\"a/b\"]", "[\"/tmp\"]", "[\"ns\",\"..\"]", "[\"a\\u0000b\"]", "[\"\"]",
        "[]")) {
      assert400(Http.postJson(fixture.server.uri(), "/v1/namespaces", ServerFixture.WRITER_SECRET,
          "{\"namespace\":" + ns + ",\"properties\":{}}"));
    }
    String schema = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,"
        + "\"type\":\"long\"}]}";
    for (String name : List.of("..", "../../escaped", "/tmp/x", "a\\u0000b", "a\\\\b", "")) {
      assert400(Http.postJson(fixture.server.uri(), "/v1/namespaces/ns/tables", ServerFixture.WRITER_SECRET,
          "{\"name\":\"" + name + "\",\"schema\":" + schema + "}"));
      assert400(Http.postJson(fixture.server.uri(), "/v1/namespaces/ns/register", ServerFixture.WRITER_SECRET,
          "{\"name\":\"" + name + "\",\"metadata-location\":\"" + warehouse + "/x/metadata/v1.metadata.json\"}"));
    }
    assertThat(outsideWarehouse()).isEmpty();
    try (Stream<Path> s = Files.list(warehouse)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("ns");
    }
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    try (DataShardServer small = DataShardServer.builder()
        .catalogProperties(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString(),
            "datashard.use-environment", "false"))
        .port(0).insecureNoAuth().maxRequestBytes(1024).build().start()) {
      HttpResponse<String> r = Http.postJson(small.uri(), "/v1/namespaces", null,
          "{\"namespace\":[\"big\"],\"properties\":{\"k\":\"" + "x".repeat(4096) + "\"}}");
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(Files.exists(warehouse.resolve("big"))).isFalse();
    }
  }
}
