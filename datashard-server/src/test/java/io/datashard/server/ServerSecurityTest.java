package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication and authorization as a user relies on them: on by default, tokens checked, roles enforced. */
class ServerSecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TempDir
  Path warehouse;
  private ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.start(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString()));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode n = JSON.readTree(r.body()).get("error");
    assertThat(n.get("code").asInt()).isEqualTo(r.statusCode());
    return n;
  }

  @Test
  void noTokenIs401() throws Exception {
    HttpResponse<String> r = Http.get(fixture.server.uri(), "/v1/config", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(error(r).get("type").asText()).isEqualTo("NotAuthorizedException");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(Http.get(fixture.server.uri(), "/v1/namespaces", null).statusCode()).isEqualTo(401);
    assertThat(Http.get(fixture.server.uri(), "/metrics", null).statusCode()).isEqualTo(401);
  }

  @Test
  void wrongTokenIs401AndNeverEchoed() throws Exception {
    String wrong = "not-a-valid-token-5f3a9c";
    HttpResponse<String> r = Http.get(fixture.server.uri(), "/v1/namespaces", wrong);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain(wrong);
    // A forged issued token (right shape, wrong signature) and one signed with another key are refused too.
    String forged = new TokenSigner("another-key-0123456789abcdef".getBytes(), Clock.systemUTC())
        .issue(new Principal(ServerFixture.WRITER, Role.READ_WRITE), 3600);
    assertThat(Http.get(fixture.server.uri(), "/v1/namespaces", forged).statusCode()).isEqualTo(401);
  }

  @Test
  void configuredSecretWorksAsBearerToken() throws Exception {
    HttpResponse<String> r = Http.get(fixture.server.uri(), "/v1/config", ServerFixture.READER_SECRET);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode endpoints = JSON.readTree(r.body()).get("endpoints");
    assertThat(endpoints).hasSize(RestHandler.ENDPOINTS.size());
    assertThat(endpoints.toString()).contains("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}")
        .doesNotContain("rename").doesNotContain("views");
  }

  @Test
  void oauthClientCredentialsFlowIssuesAWorkingToken() throws Exception {
    HttpResponse<String> r = Http.send("POST", fixture.server.uri(), "/v1/oauth/tokens", null,
        "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + ServerFixture.WRITER
            + "&client_secret=" + ServerFixture.WRITER_SECRET + "&scope=catalog");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode token = JSON.readTree(r.body());
    assertThat(token.get("token_type").asText()).isEqualToIgnoringCase("bearer");
    assertThat(token.get("expires_in").asInt()).isEqualTo(3600);
    String access = token.get("access_token").asText();
    assertThat(access).doesNotContain(ServerFixture.WRITER_SECRET);
    assertThat(Http.get(fixture.server.uri(), "/v1/namespaces", access).statusCode()).isEqualTo(200);

    HttpResponse<String> bad = Http.send("POST", fixture.server.uri(), "/v1/oauth/tokens", null,
        "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + ServerFixture.WRITER
            + "&client_secret=wrong-secret-0123456789");
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(bad.body()).get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void aTokenIssuedByOneServerIsAcceptedByAnotherWithTheSameKey() throws Exception {
    try (ServerFixture second = ServerFixture.start(Map.of(CatalogProperties.WAREHOUSE_LOCATION,
        warehouse.toString()))) {
      HttpResponse<String> r = Http.send("POST", fixture.server.uri(), "/v1/oauth/tokens", null,
          "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + ServerFixture.READER
              + "&client_secret=" + ServerFixture.READER_SECRET);
      String access = JSON.readTree(r.body()).get("access_token").asText();
      assertThat(Http.get(second.server.uri(), "/v1/namespaces", access).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void expiredTokensAreRefused() {
    Instant issued = Instant.parse("2026-01-01T00:00:00Z");
    TokenSigner past = new TokenSigner(ServerFixture.SIGNING_KEY, Clock.fixed(issued, ZoneOffset.UTC));
    String token = past.issue(new Principal(ServerFixture.WRITER, Role.READ_WRITE), 60);
    TokenSigner later = new TokenSigner(ServerFixture.SIGNING_KEY,
        Clock.fixed(issued.plusSeconds(61), ZoneOffset.UTC));
    TokenSigner sooner = new TokenSigner(ServerFixture.SIGNING_KEY,
        Clock.fixed(issued.plusSeconds(59), ZoneOffset.UTC));
    assertThat(sooner.verify(token)).contains(ServerFixture.WRITER);
    assertThat(later.verify(token)).isEmpty();
  }

  @Test
  void readOnlyPrincipalReadsButItsWritesAre403() throws Exception {
    try (RESTCatalog writer = fixture.writerClient("w", Map.of())) {
      writer.createNamespace(Namespace.of("ns"));
      writer.createTable(TableIdentifier.of("ns", "t"), SCHEMA);
    }
    Map<String, String> props = fixture.clientProperties(ServerFixture.READER, ServerFixture.READER_SECRET);
    try (RESTCatalog reader = new RESTCatalog()) {
      reader.initialize("r", props);
      assertThat(reader.listNamespaces()).containsExactly(Namespace.of("ns"));
      Table t = reader.loadTable(TableIdentifier.of("ns", "t"));
      DataFile file = DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath(t.location() + "/data/never-written.parquet").withFileSizeInBytes(10).withRecordCount(1).build();
      assertThatThrownBy(() -> t.newFastAppend().appendFile(file).commit()).isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> reader.createNamespace(Namespace.of("other"))).isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> reader.dropTable(TableIdentifier.of("ns", "t"))).isInstanceOf(ForbiddenException.class);
      assertThat(reader.loadTable(TableIdentifier.of("ns", "t")).currentSnapshot()).isNull();
    }
    assertThat(fixture.server.metrics().commits()).isZero();
  }

  @Test
  void aClientWithWrongCredentialsCannotConnect() {
    Map<String, String> props = fixture.clientProperties(ServerFixture.WRITER, "wrong-secret-0123456789");
    RESTCatalog c = new RESTCatalog();
    assertThatThrownBy(() -> c.initialize("x", props)).isInstanceOf(NotAuthorizedException.class);
  }

  @Test
  void healthzNeedsNoTokenAndMetricsCountCommits() throws Exception {
    assertThat(Http.get(fixture.server.uri(), "/healthz", null).statusCode()).isEqualTo(200);
    try (RESTCatalog writer = fixture.writerClient("w", Map.of())) {
      writer.createNamespace(Namespace.of("ns"));
      Table t = writer.createTable(TableIdentifier.of("ns", "t"), SCHEMA);
      t.updateProperties().set("k", "v").commit();
    }
    HttpResponse<String> m = Http.get(fixture.server.uri(), "/metrics", ServerFixture.WRITER_SECRET);
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body()).contains("datashard_server_commits_total 1").contains("datashard_server_requests_total");
  }

  @Test
  void authenticationIsOnByDefaultAndSecretsStayOutOfToString() throws Exception {
    assertThatThrownBy(() -> DataShardServer.builder().warehouse(warehouse.toString()).port(0).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("--insecure-no-auth");
    Credentials c = Credentials.builder().add("etl", Role.READ_WRITE, "the-secret-value-123").build();
    assertThat(c.toString()).contains("etl").doesNotContain("the-secret-value-123");
    assertThat(fixture.server.toString()).doesNotContain(ServerFixture.WRITER_SECRET);

    Path file = warehouse.resolve("tokens.txt");
    Files.writeString(file, "# name role secret\netl read-write the-secret-value-123\nbi read-only "
        + "another-secret-value-456  # dashboards\n");
    Credentials loaded = Credentials.load(file);
    assertThat(loaded.verify("etl", "the-secret-value-123")).map(Principal::role).contains(Role.READ_WRITE);
    assertThat(loaded.bySecret("another-secret-value-456")).map(Principal::name).contains("bi");
    Files.writeString(file, "etl read-write the-secret-value-123 extra\n");
    assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("line 1")
        .hasMessageNotContaining("the-secret-value-123");
  }

  @Test
  void insecureServerLetsEveryoneIn() throws Exception {
    try (DataShardServer open = DataShardServer.builder()
        .catalogProperties(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString(),
            "datashard.use-environment", "false"))
        .port(0).insecureNoAuth().build().start()) {
      assertThat(Http.get(open.uri(), "/v1/namespaces", null).statusCode()).isEqualTo(200);
    }
  }
}
