package io.datashard.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing old version tombstones ({@link VersionFiles#removeTombstones}) never lets a version be published twice:
 * a writer whose sighting of its base is older than the base age looks again before it creates, readers whose names
 * were removed under them find the real latest version, and removal stops wherever a name might still matter. The
 * argument is in docs/concurrency.md, "Removing old tombstones"; these tests use a base age of 100 ms so that
 * tombstones may be removed after 200 ms.
 */
class TombstoneRemovalTest {
  static final Duration BASE_AGE = Duration.ofMillis(100);
  static final Duration REMOVE_AFTER = Duration.ofMillis(200);

  @TempDir
  Path dir;
  StorageBackend storage;

  @BeforeEach
  void setUp() {
    storage = new io.datashard.storage.InstantCallsStorage(new LocalStorageBackend(dir, false));
  }

  String location() {
    return storage.root().replaceAll("/$", "") + "/t";
  }

  VersionFiles instance() {
    return new VersionFiles(storage, "t", location(), BASE_AGE);
  }

  /** Stand-in metadata: longer than any tombstone, and naming its version. */
  static byte[] metadata(int version) {
    return ("{\"format-version\":2,\"v\":" + version + ",\"pad\":\"" + "x".repeat(600) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static int versionOf(VersionFiles.Current c) {
    String json = new String(c.content().bytes(), StandardCharsets.UTF_8);
    return Integer.parseInt(json.replaceAll(".*\"v\":(\\d+).*", "$1"));
  }

  /** Publishes versions up to {@code last} through {@code w}, each on the one before. */
  static void publishUpTo(VersionFiles w, int first, int last) {
    for (int v = first; v <= last; v++) {
      assertThat(w.create(v, metadata(v))).as("create v%d", v).isTrue();
    }
  }

  static void retire(VersionFiles w, int from, int to) {
    List<String> files = new ArrayList<>();
    for (int v = from; v <= to; v++) {
      files.add(w.file(v));
    }
    w.retire(files);
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Versions 1..40, 1..35 tombstones; once they are old enough (and v41 moved the store's clock on), removed. */
  VersionFiles tableWithRemovedPrefix(VersionFiles stale) throws InterruptedException {
    publishUpTo(stale, 1, 3);
    VersionFiles other = instance();
    other.readCurrent(other.findLatest(0).version());
    publishUpTo(other, 4, 40);
    retire(other, 1, 35);
    sleep(REMOVE_AFTER.plusMillis(100));
    publishUpTo(other, 41, 41);
    assertThat(other.removeTombstones(REMOVE_AFTER, Long.MAX_VALUE)).isEqualTo(35);
    for (int v = 1; v <= 35; v++) {
      assertThat(storage.exists(other.file(v))).as("v%d removed", v).isFalse();
    }
    for (int v = 36; v <= 41; v++) {
      assertThat(storage.exists(other.file(v))).as("v%d kept", v).isTrue();
    }
    return other;
  }

  @Test
  void aWriterWhoseBaseWasSeenLongAgoNeverPublishesARemovedName() throws InterruptedException {
    VersionFiles stale = instance();
    tableWithRemovedPrefix(stale);
    // `stale` last saw v3 as metadata more than the base age ago, and v4 is free again: creating it must not succeed.
    assertThat(stale.create(4, metadata(4))).isFalse();
    assertThat(storage.exists(stale.file(4))).isFalse();
    // Its refresh finds the real latest version, and the next create on it lands after it.
    VersionFiles.Latest found = stale.findLatest(3);
    assertThat(found.confirmed()).isFalse();
    VersionFiles.Current cur = stale.readCurrent(found.version());
    assertThat(cur.version()).isEqualTo(41);
    assertThat(versionOf(cur)).isEqualTo(41);
    assertThat(stale.create(42, metadata(42))).isTrue();
  }

  @Test
  void aWriterThatSawItsBaseRecentlyCreatesWithoutLookingAgain() {
    CountingCreates counting = new CountingCreates(storage);
    VersionFiles w = new VersionFiles(counting, "t", location(),
        Duration.ofSeconds(30));
    publishUpTo(w, 1, 5);
    assertThat(counting.lengths).isZero(); // each create saw its own base: no extra request
    assertThat(w.findLatest(5)).isEqualTo(new VersionFiles.Latest(5, false, true));
  }

  @Test
  void readersWhoseNamesWereRemovedFindTheLatestVersion() throws InterruptedException {
    VersionFiles stale = instance();
    tableWithRemovedPrefix(stale);
    // A hint naming a removed version: the reader lists.
    storage.writeAll(MetadataFiles.hintFile(stale.tableLocation()), "2".getBytes(StandardCharsets.UTF_8));
    VersionFiles fresh = instance();
    assertThat(fresh.readCurrent(fresh.findLatest(0).version()).version()).isEqualTo(41);
    // A tombstone written again below the removed names (a housekeeping step that ran very late): the names after
    // it are absent, but it is no version's metadata, so the reader lists instead of stopping there.
    fresh.retire(List.of(fresh.file(10)));
    storage.writeAll(MetadataFiles.hintFile(stale.tableLocation()), "10".getBytes(StandardCharsets.UTF_8));
    VersionFiles another = instance();
    VersionFiles.Latest found = another.findLatest(0);
    assertThat(found.version()).isEqualTo(10);
    assertThat(another.readCurrent(found.version()).version()).isEqualTo(41);
    // And a writer on that stale tombstone's version cannot publish the removed name after it.
    assertThat(another.create(11, metadata(11))).isFalse();
    assertThat(storage.exists(another.file(11))).isFalse();
  }

  @Test
  void versionOneCannotBeCreatedAgainOnceItsNameWasRemoved() throws InterruptedException {
    tableWithRemovedPrefix(instance());
    VersionFiles creator = instance();
    assertThat(creator.create(1, metadata(1))).isFalse();
    assertThat(storage.exists(creator.file(1))).isFalse();
    // What a table create does next: look for the latest version, which is a live table's.
    VersionFiles.Current cur = creator.readCurrent(creator.findLatest(1).version());
    assertThat(cur.version()).isEqualTo(41);
    assertThat(cur.dropped()).isFalse();
  }

  @Test
  void removalStopsAtMetadataYoungTombstonesDroppedTablesAndTheLatestVersion() throws InterruptedException {
    VersionFiles w = instance();
    publishUpTo(w, 1, 20);
    retire(w, 1, 4);
    retire(w, 6, 12); // v5 stays metadata (its retirement failed, say)
    sleep(REMOVE_AFTER.plusMillis(100));
    publishUpTo(w, 21, 21);
    assertThat(w.removeTombstones(REMOVE_AFTER, Long.MAX_VALUE)).isEqualTo(4);
    assertThat(storage.exists(w.file(4))).isFalse();
    assertThat(storage.exists(w.file(5))).isTrue();
    assertThat(storage.exists(w.file(6))).isTrue();

    // Once v5 is a tombstone, removal goes on, but not to tombstones younger than the age.
    retire(w, 5, 5);
    retire(w, 13, 15);
    sleep(REMOVE_AFTER.plusMillis(100));
    retire(w, 16, 18); // young
    publishUpTo(w, 22, 22);
    assertThat(w.removeTombstones(REMOVE_AFTER, Long.MAX_VALUE)).isEqualTo(11); // 5..15
    assertThat(storage.exists(w.file(15))).isFalse();
    assertThat(storage.exists(w.file(16))).isTrue();

    // A dropped table's last version is never removed, nor anything after it (readers trust the absence of the name
    // after it, since only an exclusive create writes it).
    VersionFiles d = instance();
    d.readCurrent(d.findLatest(0).version());
    assertThat(d.drop(23, "uuid")).isTrue(); // 19..22 become tombstones
    publishUpTo(d, 24, 26); // a table of the same name, created again after it
    retire(d, 24, 25);
    sleep(REMOVE_AFTER.plusMillis(100));
    publishUpTo(d, 27, 27);
    assertThat(d.removeTombstones(REMOVE_AFTER, Long.MAX_VALUE)).isEqualTo(7); // 16..22
    assertThat(storage.exists(d.file(22))).isFalse();
    assertThat(d.read(23).tombstone().kind()).isEqualTo(VersionTombstone.Kind.DROPPED);
    assertThat(storage.exists(d.file(24))).isTrue();
  }

  @Test
  void removalBeforeTheMinimumAgeRemovesNothing() throws InterruptedException {
    VersionFiles w = instance();
    publishUpTo(w, 1, 10);
    retire(w, 1, 8);
    sleep(Duration.ofMillis(120));
    publishUpTo(w, 11, 11);
    // Asked for 10 ms, but the tombstones are younger than twice the base age (200 ms): kept.
    assertThat(w.removeTombstones(Duration.ofMillis(10), Long.MAX_VALUE)).isZero();
    assertThat(storage.exists(w.file(1))).isTrue();
  }

  @Test
  void theMinimumAgeCoversTwiceTheBaseAgeAndTheLongestCall() {
    VersionFiles local = new VersionFiles(new LocalStorageBackend(dir, false), "t", location());
    assertThat(local.minimumRemovalAge()).isEqualTo(Duration.ofSeconds(90)); // 2 x 30 s + 30 s
    assertThat(instance().minimumRemovalAge()).isEqualTo(Duration.ofMillis(200));
  }

  /** Counts length requests, the one a create makes when its sighting of the base is too old. */
  static final class CountingCreates extends io.datashard.storage.ForwardingStorageBackend {
    int lengths;

    CountingCreates(StorageBackend delegate) {
      super(delegate);
    }

    @Override
    public io.datashard.storage.InputFile newInputFile(String location) {
      lengths++;
      return super.newInputFile(location);
    }
  }
}
