package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;

/**
 * Several Iceberg {@link RESTCatalog} clients and a DataShard library appender commit to one table at once, through
 * two servers on the same warehouse: every acknowledged commit is in the table exactly once, one snapshot per commit.
 */
abstract class ConcurrentCommitScenarios {
  /**
   * Client-side retries generous enough that contention never exhausts them; automatic upkeep off, since the tests
   * count one snapshot and one data file per acknowledged append.
   */
  static final Map<String, String> CONTENDED = Map.of(
      TableProperties.COMMIT_NUM_RETRIES, "200",
      TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "2",
      TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "100",
      io.datashard.TableProperties.UPKEEP_ENABLED, "false");

  /** @return catalog properties naming a fresh, empty warehouse */
  protected abstract Map<String, String> warehouseProperties();

  /** @return the library's view of namespace {@code ns} of that warehouse (a namespace folder is a warehouse) */
  protected abstract Warehouse libraryWarehouse(Map<String, String> warehouseProperties, String namespace);

  /** @return appends per writer */
  protected abstract int appendsPerWriter();

  static DataFile writeWithIceberg(Table table, long id) {
    OutputFile out = table.io().newOutputFile(
        table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("id", id);
    r.setField("event", "rest-" + id);
    r.setField("value", (double) id);
    DataWriter<Record> writer;
    try {
      writer = Parquet.writeData(out).schema(table.schema()).createWriterFunc(GenericParquetWriter::create)
          .withSpec(table.spec()).overwrite().build();
      try (writer) {
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  @Test
  void restClientsAndTheLibraryAppendConcurrentlyLoseNothing() throws Exception {
    Map<String, String> props = warehouseProperties();
    try (ServerFixture one = ServerFixture.start(props); ServerFixture two = ServerFixture.start(props)) {
      try (RESTCatalog admin = one.writerClient("admin", Map.of())) {
        admin.createNamespace(Namespace.of("ns"));
      }
      try (Warehouse library = libraryWarehouse(one.warehouseProperties, "ns")) {
        appendConcurrently(one, two, library);
      }
    }
  }

  private void appendConcurrently(ServerFixture one, ServerFixture two, Warehouse library) throws Exception {
    {
      library.createTable("t", TestSchemas.EVENTS, io.datashard.PartitionSpec.unpartitioned(), CONTENDED);
      TableIdentifier id = TableIdentifier.of("ns", "t");

      int each = appendsPerWriter();
      int restWriters = 3;
      List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < restWriters; w++) {
        long base = w * 1000L;
        ServerFixture server = w % 2 == 0 ? one : two; // clients spread over both servers
        threads.add(new Thread(() -> {
          try (RESTCatalog client = server.writerClient("client-" + base, Map.of())) {
            for (int i = 0; i < each; i++) {
              Table t = client.loadTable(id);
              t.newAppend().appendFile(writeWithIceberg(t, base + i)).commit();
              acknowledged.add(base + i);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "rest-" + w));
      }
      long libBase = 9000L;
      threads.add(new Thread(() -> {
        try {
          io.datashard.Table t = library.loadTable("t");
          for (int i = 0; i < each; i++) {
            t.appendRecords(List.of(TestSchemas.event(libBase + i, "library-" + i, (double) i)));
            acknowledged.add(libBase + i);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "library"));
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      int total = (restWriters + 1) * each;
      assertThat(acknowledged).hasSize(total);
      List<Long> expected = new ArrayList<>(acknowledged);
      expected.sort(null);

      List<Long> libraryIds = new ArrayList<>();
      library.loadTable("t").scan().toList().forEach(r -> libraryIds.add((Long) r.get("id")));
      libraryIds.sort(null);
      assertThat(libraryIds).containsExactlyElementsOf(expected);

      try (RESTCatalog reader = two.writerClient("reader", Map.of())) {
        Table t = reader.loadTable(id);
        int files = 0;
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
          for (FileScanTask ignored : tasks) {
            files++;
          }
        }
        assertThat(files).isEqualTo(total);
        int chain = 0;
        for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
          chain++;
        }
        assertThat(chain).isEqualTo(total);
        String location = ((HasTableOperations) t).operations().current().metadataFileLocation();
        // One version per library append; the servers' group commits publish the REST appends in as many
        // versions as they count (fewer than the appends when some arrived together).
        long published = one.server.metrics().versionsPublished() + two.server.metrics().versionsPublished();
        assertThat(published).isBetween(1L, (long) restWriters * each);
        assertThat(MetadataFiles.parseVersion(location)).isEqualTo(1 + each + published);
      }
      assertThat(one.server.metrics().commits() + two.server.metrics().commits()).isEqualTo(restWriters * each);
    }
  }
}
