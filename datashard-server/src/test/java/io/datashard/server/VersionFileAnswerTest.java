package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load-table and commit answers carry the current version file's bytes as they are (docs/catalog.md, "Answers carry
 * the version file as it is"): what a client gets is exactly what the store holds for that version, including what
 * neither Iceberg nor DataShard models, and never the bytes of another version.
 */
class VersionFileAnswerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
  private static final TableIdentifier ID = TableIdentifier.of("ns", "t");

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

  private Path metadataDir() {
    return warehouse.resolve("ns").resolve("t").resolve("metadata");
  }

  private Path versionFile(int version) {
    return metadataDir().resolve("v" + version + ".metadata.json");
  }

  private int latestVersion() throws Exception {
    int v = 1;
    while (Files.exists(versionFile(v + 1))) {
      v++;
    }
    return v;
  }

  private JsonNode load(String query) throws Exception {
    HttpResponse<String> r = Http.get(fixture.server.uri(), "/v1/namespaces/ns/tables/t" + query,
        Http.accessToken(fixture.server.uri(), ServerFixture.WRITER, ServerFixture.WRITER_SECRET));
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void append(Table t, String name) {
    t.newFastAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(t.location() + "/data/" + name + ".parquet").withFileSizeInBytes(10).withRecordCount(1).build())
        .commit();
  }

  @Test
  void commitAndLoadAnswersAreTheCurrentVersionFile() throws Exception {
    try (RESTCatalog client = fixture.writerClient("c", Map.of())) {
      client.createNamespace(Namespace.of("ns"));
      Table t = client.createTable(ID, SCHEMA);
      for (int i = 0; i < 3; i++) {
        append(t, "f" + i);
        // What the client took from the commit's answer is the version just written, not the one before it.
        int v = latestVersion();
        org.apache.iceberg.TableMetadata answered = ((BaseTable) t).operations().current();
        assertThat(answered.metadataFileLocation()).endsWith("/v" + v + ".metadata.json");
        assertThat(JSON.readTree(TableMetadataParser.toJson(answered)))
            .isEqualTo(JSON.readTree(TableMetadataParser.toJson(TableMetadataParser.fromJson(
                Files.readString(versionFile(v))))));
        assertThat(answered.snapshots()).hasSize(i + 1);
      }
      JsonNode loaded = load("");
      int v = latestVersion();
      assertThat(loaded.get("metadata-location").asText()).endsWith("/v" + v + ".metadata.json");
      assertThat(loaded.get("metadata")).isEqualTo(JSON.readTree(Files.readAllBytes(versionFile(v))));
      // Only the snapshots that references name: filtered, not the file as it is.
      assertThat(load("?snapshots=refs").get("metadata").get("snapshots")).hasSize(1);
    }
  }

  @Test
  void aVersionPublishedByAnotherWriterIsAnsweredAsTheStoreHoldsIt() throws Exception {
    try (RESTCatalog client = fixture.writerClient("c", Map.of())) {
      client.createNamespace(Namespace.of("ns"));
      append(client.createTable(ID, SCHEMA), "f0");
      load(""); // the server now holds this version
      // Another writer publishes the next version with a key a newer writer might add.
      int v = latestVersion();
      ObjectNode next = (ObjectNode) JSON.readTree(Files.readAllBytes(versionFile(v)));
      next.putObject("x-future-field").put("kept", true);
      Files.write(versionFile(v + 1), JSON.writeValueAsBytes(next));
      JsonNode loaded = load("");
      assertThat(loaded.get("metadata-location").asText()).endsWith("/v" + (v + 1) + ".metadata.json");
      assertThat(loaded.get("metadata").has("x-future-field")).as("a key Iceberg's writer would drop").isTrue();
      assertThat(loaded.get("metadata").get("x-future-field").get("kept").asBoolean()).isTrue();
      assertThat(loaded.get("metadata")).isEqualTo(next);
      // A commit on it goes through Iceberg's writer, which does not know the key: the answer is that new file.
      Table t = client.loadTable(ID);
      append(t, "f1");
      JsonNode after = load("");
      assertThat(after.get("metadata-location").asText()).endsWith("/v" + (v + 2) + ".metadata.json");
      assertThat(after.get("metadata")).isEqualTo(JSON.readTree(Files.readAllBytes(versionFile(v + 2))));
      assertThat(after.get("metadata").get("snapshots")).hasSize(2);
    }
  }
}
