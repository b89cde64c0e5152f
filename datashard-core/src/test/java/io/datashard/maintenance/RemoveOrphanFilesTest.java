package io.datashard.maintenance;

import io.datashard.RemoveOrphanFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShardException;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.FileInfo;
import io.datashard.storage.LocalStorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoveOrphanFilesTest {
  @TempDir
  Path dir;

  private static final FileTime LONG_AGO = FileTime.from(Instant.now().minus(Duration.ofDays(30)));

  private static Set<Path> filesUnder(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          || Files.isSymbolicLink(p)).collect(Collectors.toSet());
    }
  }

  private static Path oldFile(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setLastModifiedTime(p, LONG_AGO);
    return p;
  }

  private static void ageEverything(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, LONG_AGO);
      }
    }
  }

  @Test
  void deletesOldUnreferencedFilesAndNothingElse() throws IOException {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      t.appendRecords(List.of(TestSchemas.event(2, "b", 2.0)));
      Path table = dir.resolve("events");
      Set<Path> live = filesUnder(table);
      List<Path> orphans = List.of(
          oldFile(table.resolve("data/00000000-dead-0000-0000-000000000000-00000.parquet"), "crashed writer"),
          oldFile(table.resolve("metadata/00000000-dead-0000-0000-000000000000-m0.avro"), "manifest"),
          oldFile(table.resolve("metadata/snap-42-1-00000000-dead-0000-0000-000000000000.avro"), "list"),
          oldFile(table.resolve("metadata/.v4.metadata.json.00000000-dead.tmp"), "temp of a create"),
          oldFile(table.resolve("data/nested/dir/stray.bin"), "anything"));
      ageEverything(table);
      List<Row> before = t.scan().toList();

      RemoveOrphanFiles.Result dry = t.removeOrphanFiles().dryRun(true).execute();
      assertThat(dry.dryRun()).isTrue();
      assertThat(dry.orphanFiles()).hasSize(orphans.size());
      assertThat(filesUnder(table)).containsAll(orphans);

      RemoveOrphanFiles.Result r = t.removeOrphanFiles().execute();
      assertThat(r.dryRun()).isFalse();
      assertThat(r.orphanFiles()).map(l -> Path.of(java.net.URI.create(l.replace("file:/", "file:///"))))
          .containsExactlyInAnyOrderElementsOf(orphans);
      assertThat(r.orphanBytes()).isPositive();
      assertThat(filesUnder(table)).isEqualTo(live);
      assertThat(wh.loadTable("events").scan().toList()).isEqualTo(before);

      assertThat(t.removeOrphanFiles().execute().orphanFiles()).isEmpty();
    }
  }

  @Test
  void youngFilesAreSparedByTheDefaultGracePeriod() throws IOException {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      Path young = dir.resolve("events/data/in-flight-writer-00000.parquet");
      Files.writeString(young, "being written");
      Path twoDays = dir.resolve("events/data/slow-writer-00000.parquet");
      Files.writeString(twoDays, "still being committed");
      Files.setLastModifiedTime(twoDays, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

      RemoveOrphanFiles.Result r = t.removeOrphanFiles().execute();
      assertThat(r.orphanFiles()).isEmpty();
      assertThat(r.unreferencedTooNew()).isEqualTo(2);
      assertThat(young).exists();
      assertThat(twoDays).exists();

      assertThat(t.removeOrphanFiles().olderThan(Duration.ofDays(1)).execute().orphanFiles()).hasSize(1);
      assertThat(twoDays).doesNotExist();
      assertThat(young).exists();
      assertThatThrownBy(() -> t.removeOrphanFiles().olderThan(Duration.ofSeconds(-1)))
          .isInstanceOf(io.datashard.ValidationException.class);
    }
  }

  @Test
  void neverTouchesATableWhoseNameExtendsThisOne() throws IOException {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table events = wh.createTable("events", TestSchemas.EVENTS);
      Table events2 = wh.createTable("events2", TestSchemas.EVENTS);
      events2.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      Path strayOf2 = oldFile(dir.resolve("events2/data/orphan-of-events2.parquet"), "x");
      ageEverything(dir);
      Set<Path> before2 = filesUnder(dir.resolve("events2"));

      assertThat(events.removeOrphanFiles().olderThan(Duration.ZERO).execute().orphanFiles()).isEmpty();
      assertThat(filesUnder(dir.resolve("events2"))).isEqualTo(before2).contains(strayOf2);
      assertThat(wh.loadTable("events2").scan().toList()).hasSize(1);
    }
  }

  @Test
  void neverFollowsOrDeletesSymbolicLinks() throws IOException {
    Path outside = dir.resolve("outside");
    Path precious = oldFile(outside.resolve("precious.parquet"), "not the table's");
    Path preciousInDir = oldFile(outside.resolve("sub/precious2.parquet"), "not the table's either");
    Path wh0 = dir.resolve("wh");
    try (Warehouse wh = Warehouse.local(wh0)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      Path linkToFile = wh0.resolve("events/data/link.parquet");
      Path linkToDir = wh0.resolve("events/data/linked-dir");
      try {
        Files.createSymbolicLink(linkToFile, precious);
        Files.createSymbolicLink(linkToDir, outside.resolve("sub"));
      } catch (UnsupportedOperationException | IOException e) {
        org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
      }
      ageEverything(wh0);

      RemoveOrphanFiles.Result r = t.removeOrphanFiles().olderThan(Duration.ZERO).execute();
      assertThat(r.orphanFiles()).isEmpty();
      assertThat(precious).exists();
      assertThat(preciousInDir).exists();
      assertThat(linkToFile).isSymbolicLink();
      assertThat(linkToDir).isSymbolicLink();
    }
  }

  @Test
  void filesOfAVersionCommittedDuringTheRunAreKept() throws IOException {
    AtomicBoolean commitDuringListing = new AtomicBoolean();
    CountingStorageBackend storage = new CountingStorageBackend(new LocalStorageBackend(dir, false)) {
      @Override
      public List<FileInfo> list(String prefix) {
        if (commitDuringListing.getAndSet(false)) {
          // Another writer commits after the run loaded the metadata, before it lists.
          try (Warehouse other = Warehouse.local(dir)) {
            other.loadTable("events").appendRecords(List.of(TestSchemas.event(99, "late", 9.0)));
          }
        }
        return super.list(prefix);
      }
    };
    try (Warehouse wh = Warehouse.of(storage)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      commitDuringListing.set(true);
      // A cut-off in the future makes every unreferenced file a candidate: only the re-check protects them.
      RemoveOrphanFiles.Result r = t.removeOrphanFiles().olderThan(Instant.now().plus(Duration.ofHours(1))).execute();
      assertThat(r.orphanFiles()).isEmpty();
      Table fresh = wh.loadTable("events");
      assertThat(fresh.snapshots()).hasSize(2);
      assertThat(fresh.scan().toList()).extracting(rec -> rec.get("id")).containsExactlyInAnyOrder(1L, 99L);
    }
  }

  @Test
  void unreadableMetadataAbortsBeforeDeletingAnything() throws IOException {
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("events", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      Path table = dir.resolve("events");
      Path orphan = oldFile(table.resolve("data/orphan.parquet"), "x");
      Path manifest;
      try (Stream<Path> s = Files.list(table.resolve("metadata"))) {
        manifest = s.filter(p -> p.getFileName().toString().matches(".*-m\\d+\\.avro")).findFirst().orElseThrow();
      }
      Files.write(manifest, new byte[] {1, 2, 3});
      ageEverything(table);
      Table fresh = wh.loadTable("events");
      assertThatThrownBy(() -> fresh.removeOrphanFiles().olderThan(Duration.ZERO).execute())
          .isInstanceOf(DataShardException.class).hasMessageContaining(manifest.getFileName().toString());
      assertThat(orphan).exists();
    }
  }
}
