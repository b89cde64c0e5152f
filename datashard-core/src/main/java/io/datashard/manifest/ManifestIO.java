package io.datashard.manifest;

import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.StorageBackend;
import java.util.List;

/** The operations' view of the manifest package: whole-file writes and reads of manifests and lists. */
final class ManifestIO {
  private ManifestIO() {
  }

  static ManifestFile writeAdded(StorageBackend storage, String location, PartitionSpec spec, Schema schema,
                                 long snapshotId, List<DataFile> files, int formatVersion) {
    boolean deletes = !files.isEmpty() && files.get(0).content() != DataFile.CONTENT_DATA;
    ManifestWriter writer = ManifestWriter.create(storage.newOutputFile(location), spec, schema, snapshotId, deletes,
        formatVersion);
    try {
      for (DataFile f : files) {
        writer.add(f);
      }
    } finally {
      writer.close();
    }
    return writer.toManifestFile();
  }

  static List<ManifestFile> writeList(StorageBackend storage, String location, long snapshotId, Long parentId,
                                      long sequenceNumber, List<ManifestFile> manifests) {
    return ManifestListWriter.write(storage.newOutputFile(location), snapshotId, parentId, sequenceNumber, manifests)
        .manifests();
  }

  static List<ManifestFile> readList(StorageBackend storage, String location) {
    return ManifestListReader.read(storage, location);
  }

  static List<ManifestEntry> readEntries(StorageBackend storage, ManifestFile manifest) {
    return ManifestReader.readAll(storage, manifest);
  }
}
