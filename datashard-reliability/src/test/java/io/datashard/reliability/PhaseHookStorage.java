package io.datashard.reliability;

import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.OutputFile;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Test-only storage decorator that announces, and can stop at, the phases of an append so a parent process can
 * SIGKILL a writer exactly there. It lives in the test tree: the library has no hook of its own.
 *
 * <p>Phases: {@link Phase#BEFORE_DATA} (the first data file is about to be created), {@link Phase#BEFORE_COMMIT}
 * (data, manifest and manifest list written; the version file is about to be created), {@link Phase#DURING_CREATE}
 * (local disk: the temporary copy of the version file is written and synced, the hard link not made yet) and
 * {@link Phase#AFTER_COMMIT} (the version file exists; the hint is about to be written).
 */
final class PhaseHookStorage extends ForwardingStorageBackend {
  enum Phase { BEFORE_DATA, BEFORE_COMMIT, DURING_CREATE, AFTER_COMMIT }

  interface Listener {
    /** Called on the writer thread when a phase is reached. */
    void at(Phase phase);
  }

  private final Listener listener;

  PhaseHookStorage(StorageBackend delegate, Listener listener) {
    super(delegate);
    this.listener = listener;
  }

  @Override
  public void writeAll(String location, byte[] content) {
    hintHook(location);
    super.writeAll(location, content);
  }

  @Override
  public void writeAdvisory(String location, byte[] content) {
    hintHook(location);
    super.writeAdvisory(location, content);
  }

  private void hintHook(String location) {
    if (location.endsWith("/version-hint.text")) {
      listener.at(Phase.AFTER_COMMIT);
    }
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    listener.at(Phase.BEFORE_COMMIT);
    if (delegate() instanceof LocalStorageBackend local) {
      // Reproduce the local create's intermediate state: its temporary file, written and synced, no link yet.
      Path p = local.toPath(location);
      Path tmp = p.resolveSibling("." + p.getFileName() + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.write(tmp, content);
        listener.at(Phase.DURING_CREATE);
        Files.delete(tmp);
      } catch (IOException e) {
        throw new io.datashard.StorageException("test hook: " + e, e);
      }
    } else {
      listener.at(Phase.DURING_CREATE);
    }
    return super.createExclusive(location, content);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    if (location.endsWith(".parquet")) {
      listener.at(Phase.BEFORE_DATA);
    }
    return super.newOutputFile(location);
  }
}
