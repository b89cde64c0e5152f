package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.s3.S3Config;
import io.datashard.s3.S3StorageBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The same tables on a real MinIO server (in Docker): conditional-write commits, concurrent appends, every type.
 * Skipped cleanly when no Docker daemon is available (as on the build machine; S3Proxy covers the same
 * ground there).
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioTableTest {
  @Container
  static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

  private static Warehouse warehouse(String bucket) {
    try (S3Client admin = S3Client.builder().endpointOverride(URI.create(MINIO.getS3URL()))
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MINIO.getUserName(), MINIO.getPassword())))
        .build()) {
      admin.createBucket(b -> b.bucket(bucket));
    }
    S3Config config = S3Config.builder().endpoint(MINIO.getS3URL()).region("us-east-1").bucket(bucket)
        .prefix("warehouse").credentials(MINIO.getUserName(), MINIO.getPassword()).pathStyle(true).build();
    return Warehouse.of(new S3StorageBackend(config));
  }

  @Test
  void everyTypeRoundTripsAndConcurrentAppendsLoseNothing() throws Exception {
    try (Warehouse wh = warehouse("lake")) {
      Table all = wh.createTable("all_types", TestSchemas.ALL_TYPES);
      all.appendRecords(TestSchemas.allTypesRows());
      assertThat(wh.loadTable("all_types").scan().count()).isEqualTo(TestSchemas.allTypesRows().size());

      // every acknowledged snapshot is matched against the table's below: no upkeep snapshots
      wh.createTable("events", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(),
          java.util.Map.of(io.datashard.TableProperties.UPKEEP_ENABLED, "false"));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          Table mine = wh.loadTable("events");
          List<Long> ids = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            Snapshot s = mine.appendRecords(List.of(TestSchemas.event(worker * 100L + i, "w" + worker, null)));
            ids.add(s.snapshotId());
          }
          return ids;
        }));
      }
      Set<Long> acknowledged = new HashSet<>();
      for (Future<List<Long>> f : futures) {
        acknowledged.addAll(f.get());
      }
      pool.shutdown();
      Table t = wh.loadTable("events");
      assertThat(t.snapshots()).extracting(Snapshot::snapshotId).containsExactlyInAnyOrderElementsOf(acknowledged);
      List<Row> rows = t.scan().toList();
      assertThat(rows).hasSize(40);
      assertThat(rows).extracting(r -> r.get("id")).doesNotHaveDuplicates();
      assertThat(t.rowCount()).isEqualTo(40);
      assertThat(t.properties()).isEqualTo(Map.of());
    }
  }
}
