package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.expressions.Expressions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every maintenance and row-level operation on S3, committed while another writer keeps appending: no appended
 * row is lost or duplicated, and each operation's own effect holds.
 */
class S3MaintenanceTest {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  @Test
  void operationsRacingWithAnAppenderLoseNoRow() throws Exception {
    String prefix = "maint-" + UUID.randomUUID();
    try (Warehouse wh = Warehouse.of(server.backend(prefix))) {
      wh.createTable("t", TestSchemas.EVENTS);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      int appends = 30;
      Future<?> appender = pool.submit(() -> {
        Table mine = wh.loadTable("t");
        for (int i = 0; i < appends; i++) {
          mine.appendRecords(List.of(TestSchemas.event(i, "keep", (double) i),
              TestSchemas.event(10_000 + i, "junk", null)));
        }
        return null;
      });
      List<String> done = new ArrayList<>();
      Future<?> maintainer = pool.submit(() -> {
        Table mine = wh.loadTable("t");
        while (mine.refresh().snapshots().size() < 3) {
          Thread.sleep(20);
        }
        mine.deleteWhere(Expressions.equal("event", "junk"));
        done.add("delete");
        mine.rewriteDataFiles().execute();
        done.add("compact");
        mine.updateSchema().addColumn("note", Types.STRING).commit();
        done.add("schema");
        mine.rewriteManifests();
        done.add("manifests");
        mine.expireSnapshots().expireOlderThan(Instant.now().plusSeconds(1)).retainLast(3).commit();
        done.add("expire");
        mine.updateProperties().set("owner", "maintenance").commit();
        done.add("properties");
        return null;
      });
      appender.get();
      maintainer.get();
      pool.shutdown();
      assertThat(done).containsExactly("delete", "compact", "schema", "manifests", "expire", "properties");

      Table t = wh.loadTable("t");
      t.deleteWhere(Expressions.equal("event", "junk")); // junk appended after the racing delete
      List<Object> ids = new ArrayList<>();
      t.scan().toList().forEach(r -> ids.add(r.get("id")));
      assertThat(ids).hasSize(appends).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(0, appends).boxed().toList());
      assertThat(t.schema().findField("note")).isNotNull();
      assertThat(t.properties()).containsEntry("owner", "maintenance");
      assertThat(t.rowCount()).isEqualTo(appends);
      // nothing referenced was deleted: a fresh reader plans and reads every live file
      assertThat(wh.loadTable("t").scan().count()).isEqualTo(appends);
    }
  }
}
