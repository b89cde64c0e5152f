package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datashard presign}: URLs a plain HTTP client reads, --where pruning, --ttl, and local disk's clear error. */
class PresignCliTest {
  private static S3ProxyServer server;
  private static final Schema SCHEMA = Schema.of(Field.required(1, "id", Types.LONG),
      Field.optional(2, "region", Types.STRING));

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Map<String, String> s3Env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_BUCKET", server.bucket());
    env.put("DATASHARD_S3_PREFIX", "presign-" + UUID.randomUUID());
    env.put("DATASHARD_S3_ENDPOINT", server.endpoint().toString());
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    env.put("DATASHARD_S3_REGION", S3ProxyServer.REGION);
    return env;
  }

  @Test
  void printsUrlsThatServeTheFilesTheFilterKeeps() throws Exception {
    Map<String, String> env = s3Env();
    try (Warehouse wh = Warehouse.fromEnvironment(env)) {
      Table t = wh.createTable("events", SCHEMA, PartitionSpec.builderFor(SCHEMA).identity("region").build());
      t.appendRecords(List.of(Map.of("id", 1L, "region", "eu"), Map.of("id", 2L, "region", "us")));
      t.appendRecords(List.of(Map.of("id", 3L, "region", "eu")));

      Cli.Result r = new Cli(env).run("presign", "events", "--where", "region = 'eu'", "--ttl", "10m",
          "--format", "jsonl");
      assertThat(r.code()).as(r.toString()).isZero();
      List<JsonNode> rows = new ArrayList<>();
      for (String line : r.out().split("\n")) {
        rows.add(new ObjectMapper().readTree(line));
      }
      assertThat(rows).hasSize(2);
      HttpClient http = HttpClient.newHttpClient();
      for (JsonNode row : rows) {
        assertThat(row.get("content").asText()).isEqualTo("data");
        assertThat(row.get("location").asText()).contains("region=eu");
        URI url = URI.create(row.get("url").asText());
        assertThat(url.getQuery()).contains("X-Amz-Expires=600");
        HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(wh.storage().readAll(row.get("location").asText()));
        assertThat(row.get("size_bytes").asLong()).isEqualTo(got.body().length);
      }

      Cli.Result table = new Cli(env).run("presign", "events");
      assertThat(table.code()).as(table.toString()).isZero();
      assertThat(table.out()).contains("X-Amz-Signature=").contains("url");
      assertThat(table.err()).contains("3 files");

      Cli.Result tooLong = new Cli(env).run("presign", "events", "--ttl", "8d");
      assertThat(tooLong.code()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT);
      assertThat(tooLong.err()).contains("at most 7 days");
    }
  }

  @Test
  void localDiskGivesAClearError() {
    Cli cli = new Cli(dir.resolve("wh"));
    assertThat(cli.run("create", "events", "id long not null").code()).isZero();
    Cli.Result r = cli.run("presign", "events");
    assertThat(r.code()).isEqualTo(DataShardCli.ExitCodes.STORAGE);
    assertThat(r.err()).contains("cannot hand out presigned URLs").contains("needs an S3");
  }
}
