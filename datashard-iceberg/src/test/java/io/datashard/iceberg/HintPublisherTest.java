package io.datashard.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.commit.MetadataFiles;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version hints written in the background ({@code datashard.version-hint.async}, the REST server's setting): a commit
 * returns before its hint is written, every reader still finds the latest version, hints only move forwards, and
 * closing the catalog writes what is pending.
 */
class HintPublisherTest {
  private static final TableIdentifier ID = TableIdentifier.of("sales", "orders");

  @TempDir
  Path dir;

  /** Holds every hint write until released, and records the versions the hint was set to, in order. */
  static final class HeldHints extends ForwardingStorageBackend {
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> written = new ArrayList<>();

    HeldHints(StorageBackend delegate) {
      super(delegate);
    }

    @Override
    public void writeAdvisory(String location, byte[] content) {
      if (location.endsWith("/" + MetadataFiles.VERSION_HINT)) {
        try {
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        synchronized (written) {
          written.add(Integer.parseInt(new String(content, StandardCharsets.UTF_8).trim()));
        }
      }
      super.writeAdvisory(location, content);
    }
  }

  @Test
  void commitsReturnBeforeTheirHintAndEveryReaderStillSeesTheLatestVersion() throws Exception {
    HeldHints storage = new HeldHints(new LocalStorageBackend(dir));
    Path hint;
    int last;
    try (DataShardCatalog sync = new DataShardCatalog("setup", new LocalStorageBackend(dir), Map.of())) {
      sync.createNamespace(Namespace.of("sales"));
      sync.createTable(ID, CatalogScenarios.EVENTS);
      hint = Path.of(sync.loadTable(ID).location().replaceFirst("^file:", ""), "metadata", MetadataFiles.VERSION_HINT);
    }
    String before = java.nio.file.Files.readString(hint);
    try (DataShardCatalog async = new DataShardCatalog("ds", storage, Map.of(HintPublisher.ASYNC, "true"));
        DataShardCatalog reader = new DataShardCatalog("reader", new LocalStorageBackend(dir),
            Map.of(VersionCache.MAX_TABLES, "0"))) {
      // Every hint write is held, yet five commits return: none of them waits for its hint.
      for (long id = 1; id <= 5; id++) {
        CatalogScenarios.icebergAppend(async.loadTable(ID), id);
      }
      assertThat(java.nio.file.Files.readString(hint)).isEqualTo(before);
      // A reader that starts from the stale hint probes forward to the latest version.
      Table seen = reader.loadTable(ID);
      assertThat(CatalogScenarios.icebergIds(seen)).containsExactly(1L, 2L, 3L, 4L, 5L);
      last = versionOf(async.loadTable(ID));
      assertThat(versionOf(seen)).isEqualTo(last);
      storage.release.countDown();
    }
    // Closing wrote what was pending; the hint moved only forwards and skipped what was superseded while held.
    assertThat(java.nio.file.Files.readString(hint).trim()).isEqualTo(Integer.toString(last));
    assertThat(storage.written).isSorted().hasSizeLessThan(5).last().isEqualTo(last);
  }

  @Test
  void withoutTheSettingTheHintIsWrittenBeforeTheCommitReturns() throws Exception {
    try (DataShardCatalog catalog = new DataShardCatalog("ds", new LocalStorageBackend(dir), Map.of())) {
      catalog.createNamespace(Namespace.of("sales"));
      Table t = catalog.createTable(ID, CatalogScenarios.EVENTS);
      CatalogScenarios.icebergAppend(t, 1);
      Path hint = Path.of(t.location().replaceFirst("^file:", ""), "metadata", MetadataFiles.VERSION_HINT);
      assertThat(java.nio.file.Files.readString(hint).trim()).isEqualTo(Integer.toString(versionOf(t)));
    }
  }

  private static int versionOf(Table t) {
    return MetadataFiles.parseVersion(((HasTableOperations) t).operations().current().metadataFileLocation());
  }
}
