package io.datashard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.storage.FileInfo;
import io.datashard.storage.InputFile;
import io.datashard.storage.LocalStorageBackend;
import io.datashard.storage.OutputFile;
import io.datashard.storage.StorageBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scans open data files with the length the manifest recorded, so object stores need no HEAD per file. */
class ScanKnownLengthTest {
  @TempDir
  Path dir;

  @Test
  void scanPassesEachDataFilesRecordedLength() {
    Map<String, Long> opened = new ConcurrentHashMap<>();
    try (Warehouse wh = Warehouse.of(new RecordingBackend(new LocalStorageBackend(dir), opened))) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      t.appendRecords(List.of(TestSchemas.event(2, "b", null), TestSchemas.event(3, "c", 3.0)));
      assertThat(t.scan().toList()).hasSize(3);

      List<FileInfo> dataFiles = wh.storage().list(t.location() + "/data");
      assertThat(dataFiles).hasSize(2);
      for (FileInfo f : dataFiles) {
        assertThat(opened).containsEntry(f.location(), f.size());
      }
    }
  }

  /** Delegates to a local backend and records every length-aware open. */
  private static final class RecordingBackend implements StorageBackend {
    private final StorageBackend delegate;
    private final Map<String, Long> opened;

    RecordingBackend(StorageBackend delegate, Map<String, Long> opened) {
      this.delegate = delegate;
      this.opened = opened;
    }

    @Override public String root() { return delegate.root(); }
    @Override public String resolve(String parent, String child) { return delegate.resolve(parent, child); }
    @Override public byte[] readAll(String location) { return delegate.readAll(location); }
    @Override public void writeAll(String location, byte[] content) { delegate.writeAll(location, content); }
    @Override public boolean createExclusive(String location, byte[] content) {
      return delegate.createExclusive(location, content);
    }
    @Override public boolean exists(String location) { return delegate.exists(location); }
    @Override public void delete(String location) { delegate.delete(location); }
    @Override public List<FileInfo> list(String prefix) { return delegate.list(prefix); }
    @Override public List<String> listDirectories(String prefix) { return delegate.listDirectories(prefix); }
    @Override public InputFile newInputFile(String location) { return delegate.newInputFile(location); }
    @Override public InputFile newInputFile(String location, long length) {
      opened.put(location, length);
      return delegate.newInputFile(location, length);
    }
    @Override public OutputFile newOutputFile(String location) { return delegate.newOutputFile(location); }
    @Override public void close() { delegate.close(); }
  }
}
