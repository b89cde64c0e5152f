package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import io.datashard.update.TableInternals;

import io.datashard.metadata.ManifestFile;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file a commit references is made durable before the version file that commits it is created. */
class DurabilityTest {
  @TempDir
  Path dir;

  @Test
  void dataManifestAndListAreSyncedBeforeTheExclusiveCreate() {
    CountingStorageBackend storage = new CountingStorageBackend(new LocalStorageBackend(dir));
    try (Warehouse wh = Warehouse.of(storage)) {
      Table t = wh.createTable("d", TestSchemas.EVENTS);
      storage.durabilityEvents.clear();
      Snapshot s = t.appendRecords(List.of(TestSchemas.event(1, "a", null)));

      List<String> referenced = new ArrayList<>();
      referenced.add(s.manifestListLocation());
      for (ManifestFile m : TableInternals.of(t).files().manifests(s.manifestListLocation())) {
        referenced.add(m.location());
      }
      for (ContentFile f : t.scan().planFiles().stream().map(FileScanTask::file).toList()) {
        referenced.add(f.location());
      }
      List<String> events = storage.durabilityEvents;
      int create = events.indexOf("create:" + t.location() + "/metadata/v2.metadata.json");
      assertThat(create).isPositive();
      for (String f : referenced) {
        assertThat(events.subList(0, create)).as("synced before commit: %s", f).contains("sync:" + f);
      }
    }
  }
}
