package io.datashard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a directory while other writers create files in it (their temporary files come and go). */
class LocalStorageBackendListingTest {
  @TempDir
  Path dir;

  @Test
  void listingToleratesFilesRemovedWhileListing() throws Exception {
    LocalStorageBackend storage = new LocalStorageBackend(dir, false);
    String folder = storage.resolve(storage.root(), "metadata");
    AtomicBoolean done = new AtomicBoolean();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      writers.add(new Thread(() -> {
        for (int i = 0; i < 400; i++) {
          storage.createExclusive(storage.resolve(folder, "f" + writer + "-" + i),
              "x".getBytes(StandardCharsets.UTF_8));
        }
      }));
    }
    Thread lister = new Thread(() -> {
      try {
        while (!done.get()) {
          for (FileInfo f : storage.list(folder)) {
            assertThat(f.location()).startsWith(folder);
          }
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    lister.start();
    writers.forEach(Thread::start);
    for (Thread t : writers) {
      t.join();
    }
    done.set(true);
    lister.join();
    assertThat(failures).isEmpty();
    assertThat(storage.list(folder)).hasSize(800);
  }
}
