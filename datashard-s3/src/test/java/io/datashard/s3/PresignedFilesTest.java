package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShardException;
import io.datashard.PartitionSpec;
import io.datashard.PresignedFile;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import io.datashard.storage.LocalStorageBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presigned URLs of the files a scan reads: a plain HTTP client without credentials gets exactly the bytes of each
 * file from S3Proxy (which checks signatures), the scan's pruning decides which files, an expired URL is refused,
 * and local disk says clearly that it cannot presign.
 */
class PresignedFilesTest {
  private static S3ProxyServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static S3StorageBackend backend() {
    return new S3StorageBackend(server.configBuilder(server.endpoint()).prefix("presign-" + UUID.randomUUID())
        .build());
  }

  private static Table partitionedTable(Warehouse wh) {
    Table t = wh.createTable("events", TestSchemas.EVENTS,
        PartitionSpec.builderFor(TestSchemas.EVENTS).identity("event").build());
    t.appendRecords(List.of(TestSchemas.event(1, "login", 1.0), TestSchemas.event(2, "logout", 2.0)));
    t.appendRecords(List.of(TestSchemas.event(3, "login", 3.0), TestSchemas.event(4, "click", null)));
    return t;
  }

  private static HttpResponse<byte[]> get(URI url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void everyUrlServesTheFileBytesWithoutCredentials() throws Exception {
    try (S3StorageBackend s3 = backend(); Warehouse wh = Warehouse.of(s3)) {
      Table t = partitionedTable(wh);
      List<PresignedFile> files = t.presignedFiles(t.scan(), Duration.ofMinutes(15));

      assertThat(files).hasSize(4); // one data file per partition and append
      assertThat(files).extracting(PresignedFile::content).containsOnly(PresignedFile.Content.DATA);
      assertThat(files.stream().mapToLong(PresignedFile::recordCount).sum()).isEqualTo(4);
      for (PresignedFile f : files) {
        assertThat(f.url().getQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=900");
        assertThat(f.toString()).doesNotContain("X-Amz-Signature");
        assertThat(f.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(14)),
            Instant.now().plus(Duration.ofMinutes(15)));
        HttpResponse<byte[]> r = get(f.url());
        assertThat(r.statusCode()).as(f.location()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(s3.readAll(f.location())).hasSize((int) f.sizeInBytes());
      }
      // The same URL without its signature is refused: S3Proxy checks credentials.
      URI bare = URI.create(files.get(0).url().toString().replaceFirst("\\?.*$", ""));
      assertThat(get(bare).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void onlyTheFilesTheScanReadsArePresigned() throws Exception {
    try (S3StorageBackend s3 = backend(); Warehouse wh = Warehouse.of(s3)) {
      Table t = partitionedTable(wh);
      List<PresignedFile> login = t.presignedFiles(t.scan().filter(Expressions.equal("event", "login")),
          Duration.ofMinutes(5));
      assertThat(login).hasSize(2);
      assertThat(login).allSatisfy(f -> assertThat(f.location()).contains("event=login"));
      // Column statistics prune as the scan does: only the file holding id 4.
      List<PresignedFile> four = t.presignedFiles(t.scan().filter(Expressions.greaterThan("id", 3L)),
          Duration.ofMinutes(5));
      assertThat(four).singleElement().satisfies(f -> assertThat(f.location()).contains("event=click"));
      // Time travel: the first snapshot's files only.
      long first = t.snapshots().get(0).snapshotId();
      assertThat(t.presignedFiles(t.scan().useSnapshot(first), Duration.ofMinutes(5))).hasSize(2);
      // An empty table has nothing to presign.
      Table empty = wh.createTable("empty", TestSchemas.EVENTS);
      assertThat(empty.presignedFiles(empty.scan(), Duration.ofMinutes(5))).isEmpty();
      for (PresignedFile f : login) {
        assertThat(get(f.url()).body()).isEqualTo(s3.readAll(f.location()));
      }
    }
  }

  @Test
  void anExpiredUrlIsRefused() throws Exception {
    try (S3StorageBackend s3 = backend(); Warehouse wh = Warehouse.of(s3)) {
      Table t = partitionedTable(wh);
      PresignedFile f = t.presignedFiles(t.scan(), Duration.ofSeconds(1)).get(0);
      assertThat(f.url().getQuery()).contains("X-Amz-Expires=1");
      // Wait until the URL has certainly expired (S3 counts whole seconds from X-Amz-Date), then fetch.
      while (Instant.now().isBefore(f.expiresAt().plusSeconds(2))) {
        Thread.sleep(200);
      }
      HttpResponse<byte[]> r = get(f.url());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("AccessDenied");
    }
  }

  @Test
  void ttlOutsideWhatS3AcceptsIsRejected() {
    try (S3StorageBackend s3 = backend(); Warehouse wh = Warehouse.of(s3)) {
      Table t = partitionedTable(wh);
      assertThatThrownBy(() -> t.presignedFiles(t.scan(), Duration.ofDays(8)))
          .isInstanceOf(ValidationException.class).hasMessageContaining("at most 7 days");
      assertThatThrownBy(() -> t.presignedFiles(t.scan(), Duration.ZERO))
          .isInstanceOf(ValidationException.class).hasMessageContaining("more than zero");
    }
  }

  @Test
  void localDiskSaysItCannotPresign(@TempDir Path dir) {
    try (Warehouse wh = Warehouse.of(new LocalStorageBackend(dir))) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "login", 1.0)));
      assertThatThrownBy(() -> t.presignedFiles(t.scan(), Duration.ofMinutes(15)))
          .isInstanceOf(DataShardException.class)
          .hasMessageContaining("table events")
          .hasMessageContaining("presigned access needs an S3");
    }
  }
}
