package io.datashard.manifest;

import io.datashard.metadata.TableMetadata;
import io.datashard.Snapshot;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.commit.MetadataFiles;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.StorageBackend;
import java.util.List;
import java.util.UUID;

/**
 * Names, writes and reads the files of one table below the commit: data file names, manifests and manifest
 * lists. Every name is unique (a UUID per write), so nothing here ever overwrites anything; files become part
 * of the table only when a committed metadata version references them.
 */
public final class TableFiles {
  private final StorageBackend storage;
  private final String tableLocation;
  private final ManifestListCache manifestLists = new ManifestListCache();
  private final ManifestEntryCache manifestEntries = new ManifestEntryCache(ManifestEntryCache.DEFAULT_MAX_ENTRIES);
  private final io.datashard.encryption.TableKeys keys;

  public TableFiles(StorageBackend storage, String tableLocation) {
    this(storage, tableLocation, new io.datashard.encryption.TableKeys(tableLocation, null));
  }

  /**
   * @param storage the table's storage
   * @param tableLocation the table's root location
   * @param keys encryption of the table's data files (key management may be absent)
   */
  public TableFiles(StorageBackend storage, String tableLocation, io.datashard.encryption.TableKeys keys) {
    this.storage = storage;
    this.tableLocation = tableLocation;
    this.keys = keys;
  }

  /** @return the encryption side of the table: encryptors for writes, decryption of data files */
  public io.datashard.encryption.TableKeys keys() {
    return keys;
  }

  public StorageBackend storage() {
    return storage;
  }

  public String tableLocation() {
    return tableLocation;
  }

  /**
   * @param partitionPath relative partition directory ({@code ts_day=2024-03-05}), or null when unpartitioned
   * @return {@code <table>/data/[<partition path>/]<writeId>-<nnnnn>.parquet}
   */
  public String dataFileLocation(String partitionPath, String writeId, int fileNumber) {
    String dir = MetadataFiles.dataDir(tableLocation) + (partitionPath == null ? "" : "/" + partitionPath);
    return dir + "/" + writeId + "-" + String.format("%05d", fileNumber) + ".parquet";
  }

  /**
   * @param partitionPath relative partition directory, or null when unpartitioned
   * @return {@code <table>/data/[<partition path>/]<writeId>-deletes-<nnnnn>.parquet}: a position delete file
   */
  public String deleteFileLocation(String partitionPath, String writeId, int fileNumber) {
    String dir = MetadataFiles.dataDir(tableLocation) + (partitionPath == null ? "" : "/" + partitionPath);
    return dir + "/" + writeId + "-deletes-" + String.format("%05d", fileNumber) + ".parquet";
  }

  /** @return {@code <table>/data/<writeId>-dv.puffin}: the deletion vectors (format version 3) of one operation */
  public String deletionVectorFileLocation(String writeId) {
    return MetadataFiles.dataDir(tableLocation) + "/" + writeId + "-dv.puffin";
  }

  /** @return {@code <table>/metadata/<uuid>-m<n>.avro} */
  public String manifestLocation(String writeId, int n) {
    return MetadataFiles.metadataDir(tableLocation) + "/" + writeId + "-m" + n + ".avro";
  }

  /** @return {@code <table>/metadata/snap-<snapshot-id>-<attempt>-<uuid>.avro} */
  public String manifestListLocation(long snapshotId, int attempt) {
    return MetadataFiles.metadataDir(tableLocation) + "/snap-" + snapshotId + "-" + attempt + "-" + UUID.randomUUID()
        + ".avro";
  }

  /**
   * Writes one manifest of ADDED entries (snapshot id and sequence numbers inherited at commit).
   *
   * @return the manifest's entry for a manifest list, with unassigned sequence numbers
   */
  public ManifestFile writeAddedManifest(String location, PartitionSpec spec, Schema schema, long snapshotId,
                                         List<DataFile> files) {
    return writeAddedManifest(location, spec, schema, snapshotId, files, 2);
  }

  /** Writes one manifest of ADDED entries in a table's format version. */
  public ManifestFile writeAddedManifest(String location, PartitionSpec spec, Schema schema, long snapshotId,
                                         List<DataFile> files, int formatVersion) {
    return ManifestIO.writeAdded(storage, location, spec, schema, snapshotId, files, formatVersion);
  }

  /**
   * Writes the manifests of ADDED entries for files that may belong to different partition specs (after
   * partition evolution, a compaction or rewrite keeps each file's own spec): one manifest per spec, data files
   * and delete files (merge-on-read deletes) in separate manifests.
   *
   * @return the manifests, with unassigned sequence numbers
   */
  public List<ManifestFile> writeAddedManifests(String writeId, io.datashard.metadata.TableMetadata metadata,
                                               Schema schema, long snapshotId, List<DataFile> files) {
    // One manifest per partition spec and per kind: data files and delete files never share a manifest.
    java.util.Map<List<Integer>, List<DataFile>> bySpec = new java.util.TreeMap<>(
        java.util.Comparator.<List<Integer>>comparingInt(k -> k.get(0)).thenComparingInt(k -> k.get(1)));
    for (DataFile f : files) {
      int kind = f.content() == DataFile.CONTENT_DATA ? 0 : 1;
      bySpec.computeIfAbsent(List.of(kind, f.specId()), k -> new java.util.ArrayList<>()).add(f);
    }
    List<ManifestFile> out = new java.util.ArrayList<>();
    int n = 0;
    for (java.util.Map.Entry<List<Integer>, List<DataFile>> e : bySpec.entrySet()) {
      PartitionSpec spec = metadata.specById(e.getKey().get(1));
      if (spec == null) {
        throw new io.datashard.ValidationException("file written with unknown partition spec " + e.getKey().get(1));
      }
      out.add(writeAddedManifest(manifestLocation(writeId, n++), spec, schema, snapshotId, e.getValue(),
          metadata.formatVersion()));
    }
    return out;
  }

  /**
   * Writes the manifest list of a snapshot built on {@code base}, in its format version: in version 3 the data
   * manifests without a first row id are assigned one from the table's next row id on.
   *
   * @return (format version 3) the row ids the list assigned, the snapshot's {@code added-rows}; null before 3
   */
  public Long writeManifestList(String location, long snapshotId, Long parentId, long sequenceNumber,
                                List<ManifestFile> manifests, io.datashard.metadata.TableMetadata base) {
    if (base.formatVersion() < 3) {
      writeManifestList(location, snapshotId, parentId, sequenceNumber, manifests);
      return null;
    }
    io.datashard.manifest.ManifestListWriter w = io.datashard.manifest.ManifestListWriter.create(
        storage.newOutputFile(location), snapshotId, parentId, sequenceNumber, base.formatVersion(), base.nextRowId());
    try (w) {
      manifests.forEach(w::add);
    }
    manifestLists.put(location, w.result().manifests());
    return w.nextRowId() - base.nextRowId();
  }

  /** Writes a manifest list; manifests with unassigned sequence numbers get {@code sequenceNumber}. */
  public void writeManifestList(String location, long snapshotId, Long parentId, long sequenceNumber,
                                List<ManifestFile> manifests) {
    List<ManifestFile> written = ManifestIO.writeList(storage, location, snapshotId, parentId, sequenceNumber,
        manifests);
    manifestLists.put(location, written);
  }

  /** @return the manifests of a snapshot's manifest list (cached: lists are immutable) */
  public List<ManifestFile> manifests(String manifestListLocation) {
    return manifestLists.get(manifestListLocation, loc -> ManifestIO.readList(storage, loc));
  }

  /**
   * The manifests of a snapshot (data and delete manifests), for a read of its rows (scan, row count, change feed).
   * Reads apply every delete file, deletion vectors included, so every format version up to 3 is read.
   *
   * @param metadata the table version the snapshot belongs to
   * @param snapshot the snapshot to read
   * @param operation what reads it, for the message ("scan", "row count", ...)
   * @return the snapshot's manifests
   * @throws io.datashard.UnsupportedTableFeatureException for a format version above 3
   */
  public List<ManifestFile> manifestsToRead(TableMetadata metadata, Snapshot snapshot, String operation) {
    if (metadata.formatVersion() > TableMetadata.MAX_READ_FORMAT_VERSION) {
      throw refused(metadata, operation, "reads format versions 1 to " + TableMetadata.MAX_READ_FORMAT_VERSION);
    }
    if (metadata.usesIcebergTableEncryption()) {
      throw new io.datashard.UnsupportedTableFeatureException("table " + tableLocation + ": " + operation
          + " refused: the table uses Iceberg table encryption (encryption-keys), whose encrypted manifests "
          + "DataShard does not read (see docs/format.md, \"What DataShard refuses\")");
    }
    return manifests(snapshot.manifestListLocation());
  }

  private io.datashard.UnsupportedTableFeatureException refused(TableMetadata metadata, String operation,
                                                                 String what) {
    return new io.datashard.UnsupportedTableFeatureException("table " + tableLocation + ": " + operation
        + " refused: the table has format-version " + metadata.formatVersion() + ", and DataShard " + what
        + " (see docs/format.md, \"What DataShard refuses\")");
  }

  /**
   * @return the live and deleted entries of a manifest, with inherited values resolved (an unmodifiable list;
   *     small manifests are read once per handle, see {@link ManifestEntryCache})
   */
  public List<ManifestEntry> entries(ManifestFile manifest) {
    return manifestEntries.get(manifest, m -> ManifestIO.readEntries(storage, m));
  }

  /** Deletes files, ignoring failures (used to clean up after a failed attempt). */
  public void deleteQuietly(Iterable<String> locations) {
    for (String l : locations) {
      try {
        storage.delete(l);
      } catch (RuntimeException e) {
        // left for orphan-file removal
      }
    }
  }
}
