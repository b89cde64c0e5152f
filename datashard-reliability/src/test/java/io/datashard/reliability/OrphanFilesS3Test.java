package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.RemoveOrphanFiles;
import io.datashard.storage.FileInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Orphan-file removal on S3, where "directories" are key prefixes: {@code events} must not reach into {@code events2}. */
class OrphanFilesS3Test {
  @Test
  void removalNeverReachesIntoATableSharingTheKeyPrefix() {
    try (Backend backend = Backend.s3("wh"); Warehouse wh = backend.warehouse()) {
      Table events = wh.createTable("events", TestSchemas.EVENTS);
      Table events2 = wh.createTable("events2", TestSchemas.EVENTS);
      events.appendRecords(StressWorker.rows(0, 0, 2));
      events2.appendRecords(StressWorker.rows(1, 0, 2));
      String orphan = events.location() + "/data/left-by-a-crash.parquet";
      String orphanOf2 = events2.location() + "/data/left-by-a-crash.parquet";
      String outsideBoth = wh.location() + "/events-notes.txt";
      for (String l : List.of(orphan, orphanOf2, outsideBoth)) {
        wh.storage().writeAll(l, "x".getBytes(StandardCharsets.UTF_8));
      }
      Set<String> before2 = files(wh, events2.location());

      RemoveOrphanFiles.Result dry = events.removeOrphanFiles().olderThan(Duration.ZERO).dryRun(true).execute();
      assertThat(dry.orphanFiles()).containsExactly(orphan);
      assertThat(wh.storage().exists(orphan)).isTrue();

      RemoveOrphanFiles.Result r = events.removeOrphanFiles().olderThan(Duration.ZERO).execute();
      assertThat(r.orphanFiles()).containsExactly(orphan);
      assertThat(wh.storage().exists(orphan)).isFalse();
      assertThat(files(wh, events2.location())).isEqualTo(before2).contains(orphanOf2);
      assertThat(wh.storage().exists(outsideBoth)).isTrue();
      assertThat(wh.loadTable("events").scan().toList()).hasSize(2);
      assertThat(wh.loadTable("events2").scan().toList()).hasSize(2);
      // The default grace period spares a young orphan.
      wh.storage().writeAll(orphan, "again".getBytes(StandardCharsets.UTF_8));
      assertThat(events.removeOrphanFiles().execute().orphanFiles()).isEmpty();
    }
  }

  private static Set<String> files(Warehouse wh, String location) {
    return wh.storage().list(location).stream().map(FileInfo::location).collect(Collectors.toSet());
  }
}
