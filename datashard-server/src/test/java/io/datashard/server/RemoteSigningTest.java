package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.s3.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Iceberg's S3 remote signing through {@code datashard serve --remote-signing}: an Iceberg {@link RESTCatalog} whose
 * {@code S3FileIO} has no S3 credentials at all writes a data file, commits and reads the rows back, every S3 request
 * signed by the server; a request for an object outside the table, and a write by a read-only principal, are refused.
 */
class RemoteSigningTest {
  private static S3ProxyServer s3;
  private static DataShardServer server;
  private static String warehouse;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start();
    String prefix = "signing-" + UUID.randomUUID();
    warehouse = "s3://" + s3.bucket() + "/" + prefix;
    Map<String, String> props = new HashMap<>(ServerFixture.s3(s3, prefix));
    props.put("datashard.use-environment", "false");
    server = DataShardServer.builder()
        .catalogProperties(props)
        .port(0)
        .credentials(Credentials.builder()
            .add(ServerFixture.WRITER, Role.READ_WRITE, ServerFixture.WRITER_SECRET)
            .add(ServerFixture.READER, Role.READ_ONLY, ServerFixture.READER_SECRET)
            .build())
        .tokenSigner(new TokenSigner(ServerFixture.SIGNING_KEY, java.time.Clock.systemUTC()))
        .remoteSigning(true)
        .build()
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    s3.close();
  }

  /** A client that knows only the catalog's URI and its own catalog credential: nothing about S3. */
  private static RESTCatalog client(String name) {
    Map<String, String> p = new HashMap<>();
    p.put(CatalogProperties.URI, server.uri().toString());
    p.put("credential", ServerFixture.WRITER + ":" + ServerFixture.WRITER_SECRET);
    p.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
    RESTCatalog c = new RESTCatalog();
    c.initialize(name, p);
    return c;
  }

  @Test
  void anIcebergClientWithoutS3CredentialsWritesAndReadsThroughTheSigner() throws Exception {
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.required(2, "event", Types.StringType.get()),
        Types.NestedField.optional(3, "value", Types.DoubleType.get()));
    TableIdentifier id = TableIdentifier.of(Namespace.of("signed"), "events");
    try (RESTCatalog c = client("engine")) {
      c.createNamespace(id.namespace());
      Table t = c.createTable(id, schema, PartitionSpec.unpartitioned());
      assertThat(t.properties()).doesNotContainKey("s3.secret-key");
      DataFile f1 = ConcurrentCommitScenarios.writeWithIceberg(t, 1);
      DataFile f2 = ConcurrentCommitScenarios.writeWithIceberg(t, 2);
      t.newAppend().appendFile(f1).appendFile(f2).commit();

      Table loaded = c.loadTable(id);
      List<Long> ids = new ArrayList<>();
      // Iceberg's Parquet reader over the table's signed FileIO (IcebergGenerics would need ORC on the class path).
      try (CloseableIterable<FileScanTask> tasks = loaded.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          try (CloseableIterable<Record> rows = Parquet.read(loaded.io().newInputFile(task.file().location()))
              .project(loaded.schema())
              .createReaderFunc(fs -> GenericParquetReaders.buildReader(loaded.schema(), fs)).build()) {
            rows.forEach(r -> ids.add((Long) r.getField("id")));
          }
        }
      }
      assertThat(ids).containsExactlyInAnyOrder(1L, 2L);
      assertThat(f1.location()).startsWith(warehouse + "/signed/events/");

      // The same signed FileIO, asked for an object of another table, is refused by the server.
      String outside = warehouse + "/other/secret.parquet";
      assertThatThrownBy(() -> loaded.io().newInputFile(outside).getLength())
          .isInstanceOf(ForbiddenException.class).hasMessageContaining("outside the location of table");
    }
  }

  private static HttpResponse<String> sign(String token, String method, String key) throws Exception {
    String body = "{\"region\":\"" + S3ProxyServer.REGION + "\",\"method\":\"" + method + "\",\"uri\":\""
        + s3.endpoint() + "/" + s3.bucket() + "/" + key + "\",\"headers\":{}}";
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.uri() + "/v1/namespaces/signed2/tables/events/sign"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theSignerSignsOnlyInsideTheTableAndOnlyReadsForReaders() throws Exception {
    TableIdentifier id = TableIdentifier.of(Namespace.of("signed2"), "events");
    try (RESTCatalog c = client("admin")) {
      c.createNamespace(id.namespace());
      c.createTable(id, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
    }
    String prefix = warehouse.substring(("s3://" + s3.bucket() + "/").length());
    String writer = Http.accessToken(server.uri(), ServerFixture.WRITER, ServerFixture.WRITER_SECRET);
    String reader = Http.accessToken(server.uri(), ServerFixture.READER, ServerFixture.READER_SECRET);

    HttpResponse<String> inside = sign(writer, "PUT", prefix + "/signed2/events/data/x.parquet");
    assertThat(inside.statusCode()).as(inside.body()).isEqualTo(200);
    assertThat(inside.body()).contains("AWS4-HMAC-SHA256 Credential=" + S3ProxyServer.ACCESS_KEY);
    assertThat(inside.headers().firstValue("Cache-Control")).contains("no-cache");

    assertThat(sign(writer, "GET", prefix + "/signed/events/data/x.parquet").statusCode()).isEqualTo(403);
    assertThat(sign(writer, "GET", prefix + "/signed2/events/../../signed/events/x").statusCode()).isEqualTo(403);
    assertThat(sign(writer, "GET", prefix + "/signed2/eventsX/data/x.parquet").statusCode()).isEqualTo(403);
    assertThat(sign(reader, "GET", prefix + "/signed2/events/data/x.parquet").statusCode()).isEqualTo(200);
    HttpResponse<String> readerPut = sign(reader, "PUT", prefix + "/signed2/events/data/x.parquet");
    assertThat(readerPut.statusCode()).isEqualTo(403);
    assertThat(readerPut.body()).contains("read-only");
    assertThat(sign("not-a-token", "GET", prefix + "/signed2/events/data/x.parquet").statusCode())
        .isEqualTo(401);
  }

  @Test
  void presignedFilesIncludeTheDeleteFilesTheScanNeeds() throws Exception {
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.required(2, "event", Types.StringType.get()),
        Types.NestedField.optional(3, "value", Types.DoubleType.get()));
    TableIdentifier id = TableIdentifier.of(Namespace.of("deletes"), "events");
    DataFile data;
    org.apache.iceberg.DeleteFile deletes;
    try (RESTCatalog c = client("deleter")) {
      c.createNamespace(id.namespace());
      Table t = c.createTable(id, schema, PartitionSpec.unpartitioned());
      data = ConcurrentCommitScenarios.writeWithIceberg(t, 7);
      t.newAppend().appendFile(data).commit();
      org.apache.iceberg.deletes.PositionDeleteWriter<Record> w = Parquet.writeDeletes(t.io().newOutputFile(
              t.locationProvider().newDataLocation(UUID.randomUUID() + "-deletes.parquet")))
          .withSpec(t.spec()).overwrite().buildPositionWriter();
      try (w) {
        w.write(org.apache.iceberg.deletes.PositionDelete.<Record>create().set(data.location(), 0L, null));
      }
      deletes = w.toDeleteFile();
      t.newRowDelta().addDeletes(deletes).commit();
    }
    String prefix = warehouse.substring(("s3://" + s3.bucket() + "/").length());
    try (io.datashard.s3.S3StorageBackend backend = new io.datashard.s3.S3StorageBackend(
            s3.configBuilder().prefix(prefix + "/deletes").build());
         io.datashard.Warehouse wh = io.datashard.Warehouse.of(backend)) {
      io.datashard.Table t = wh.loadTable("events");
      assertThat(t.scan().toList()).isEmpty(); // the only row is deleted
      List<io.datashard.PresignedFile> files = t.presignedFiles(t.scan(), java.time.Duration.ofMinutes(5));
      assertThat(files).extracting(io.datashard.PresignedFile::content).containsExactly(
          io.datashard.PresignedFile.Content.DATA, io.datashard.PresignedFile.Content.POSITION_DELETES);
      assertThat(files.get(1).location()).isEqualTo(deletes.location());
      for (io.datashard.PresignedFile f : files) {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(f.url()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(backend.readAll(f.location()));
      }
    }
  }
}
