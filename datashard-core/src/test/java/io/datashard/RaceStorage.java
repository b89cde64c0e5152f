package io.datashard;

import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.StorageBackend;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test storage that forces a commit race instead of hoping for one: once {@link #beforeNextCommit armed}, it
 * runs the given action just before the next table-version create, so that a competing commit (made through
 * another warehouse on the same directory) lands first and the armed commit must lose, retry and rebase. It
 * counts the version creates that lost, so a test can check the race really happened.
 */
final class RaceStorage extends ForwardingStorageBackend {
  private final AtomicReference<Runnable> next = new AtomicReference<>();
  private final AtomicInteger lost = new AtomicInteger();

  RaceStorage(StorageBackend delegate) {
    super(delegate);
  }

  /** Runs {@code competitor} right before the next version-file create (once). */
  void beforeNextCommit(Runnable competitor) {
    next.set(competitor);
  }

  /** @return how many version-file creates found the version already taken */
  int lostCreates() {
    return lost.get();
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    if (location.endsWith(".metadata.json")) {
      Runnable competitor = next.getAndSet(null);
      if (competitor != null) {
        competitor.run();
      }
      boolean created = super.createExclusive(location, content);
      if (!created) {
        lost.incrementAndGet();
      }
      return created;
    }
    return super.createExclusive(location, content);
  }
}
