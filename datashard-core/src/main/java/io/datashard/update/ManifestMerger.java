package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.manifest.ManifestWriter;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the number of manifests of a snapshot small, as Iceberg's merge-append does: once a commit would
 * leave at least {@code commit.manifest.min-count-to-merge} manifests, the small ones of each partition spec are
 * rewritten into manifests of up to {@code commit.manifest.target-size-bytes}, their live files carried over as
 * EXISTING with the snapshot ids and sequence numbers they were committed with. Planning therefore reads a
 * bounded number of manifests however many appends a table has seen.
 */
final class ManifestMerger {
  static final String MERGE_ENABLED = io.datashard.TableProperties.MANIFEST_MERGE_ENABLED;
  static final String MIN_COUNT_TO_MERGE = "commit.manifest.min-count-to-merge";
  static final int MIN_COUNT_TO_MERGE_DEFAULT = 100;
  static final String TARGET_SIZE_BYTES = "commit.manifest.target-size-bytes";
  static final long TARGET_SIZE_BYTES_DEFAULT = 8L * 1024 * 1024;

  private final TableFiles files;
  private final List<String> written = new ArrayList<>();

  ManifestMerger(TableFiles files) {
    this.files = files;
  }

  /** @return manifests this merger wrote in the last call (to delete if the attempt loses) */
  List<String> written() {
    return written;
  }

  /**
   * @param base the table version the commit builds on
   * @param manifests the manifests the new snapshot would have, newest first
   * @param snapshotId the new snapshot's id
   * @param writeId unique prefix for merged manifest names
   * @return the manifests to commit: the same list, or one with small manifests merged
   */
  List<ManifestFile> merge(TableMetadata base, List<ManifestFile> manifests, long snapshotId, String writeId) {
    return merge(base, manifests, snapshotId, writeId, false);
  }

  /**
   * @param force merge whatever the count and the merge-enabled property (rewriteManifests on demand)
   * @see #merge(TableMetadata, List, long, String)
   */
  List<ManifestFile> merge(TableMetadata base, List<ManifestFile> manifests, long snapshotId, String writeId,
                           boolean force) {
    written.clear();
    boolean enabled = base.booleanProperty(MERGE_ENABLED, true);
    int minCount = Math.max(2, base.intProperty(MIN_COUNT_TO_MERGE, MIN_COUNT_TO_MERGE_DEFAULT));
    if (!force && (!enabled || manifests.size() < minCount)) {
      return manifests;
    }
    long target = base.longProperty(TARGET_SIZE_BYTES, TARGET_SIZE_BYTES_DEFAULT);
    Map<Integer, List<ManifestFile>> smallBySpec = new LinkedHashMap<>();
    List<ManifestFile> result = new ArrayList<>();
    for (ManifestFile m : manifests) {
      // Manifests this commit adds (sequence number not yet assigned) stay as they are: their entries are ADDED.
      boolean committedBefore = m.sequenceNumber() != ManifestWriter.UNASSIGNED_SEQ;
      if (committedBefore && m.content() == ManifestFile.CONTENT_DATA && m.length() < target
          && base.specById(m.specId()) != null) {
        smallBySpec.computeIfAbsent(m.specId(), k -> new ArrayList<>()).add(m);
      } else {
        result.add(m);
      }
    }
    for (Map.Entry<Integer, List<ManifestFile>> e : smallBySpec.entrySet()) {
      List<ManifestFile> group = e.getValue();
      if (group.size() < 2 && !(force && group.get(0).deletedFilesCount() != 0)) {
        result.addAll(group);
        continue;
      }
      result.addAll(rewrite(base.specById(e.getKey()), base.schema(), group, target, snapshotId, writeId,
          base.formatVersion()));
    }
    return result;
  }

  private List<ManifestFile> rewrite(PartitionSpec spec, Schema schema, List<ManifestFile> group, long target,
                                     long snapshotId, String writeId, int formatVersion) {
    List<ManifestFile> out = new ArrayList<>();
    ManifestWriter writer = null;
    try {
      // Manifest lists hold the newest manifest first; write the oldest first so files stay in commit order.
      List<ManifestFile> oldestFirst = new ArrayList<>(group);
      java.util.Collections.reverse(oldestFirst);
      for (ManifestFile m : oldestFirst) {
        for (ManifestEntry entry : files.entries(m)) {
          if (!entry.isLive()) {
            continue; // deletes recorded by older snapshots are not carried forward
          }
          if (writer == null) {
            String location = files.manifestLocation(writeId, written.size() + 1);
            written.add(location);
            writer = ManifestWriter.create(files.storage().newOutputFile(location), spec, schema, snapshotId, false,
                formatVersion);
          }
          writer.existing(entry.file(), entry.snapshotId(), entry.dataSequenceNumber(), entry.fileSequenceNumber());
          if (writer.length() >= target) {
            writer.close();
            out.add(writer.toManifestFile());
            writer = null;
          }
        }
      }
      if (writer != null) {
        writer.close();
        out.add(writer.toManifestFile());
        writer = null;
      }
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
    return out;
  }
}
