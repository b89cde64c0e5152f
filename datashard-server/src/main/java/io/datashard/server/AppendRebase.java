package io.datashard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datashard.manifest.ManifestListWriter;
import io.datashard.metadata.PartitionFieldSummary;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotParser;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an append that was built on an older snapshot of its branch onto the branch's current head, as the writer
 * itself would after a 409: the same snapshot id and data files, a new manifest list (the head's manifests plus the
 * append's new ones, with the next sequence number), the parent and the summary's totals updated.
 *
 * <p>This is what lets the server publish the appends of many clients in one version: each Iceberg client asserts
 * that the branch is still at the snapshot it built on ({@code assert-ref-snapshot-id}), which holds for at most one
 * of a group. An append has nothing to validate against what was committed in between (Iceberg's own
 * {@code FastAppend} retries exactly so), so moving it is what the client's retry would do, without the round trip
 * and the lost race.
 *
 * <p>Only a request whose shape proves it is such an append is moved; anything else keeps its 409 and the client
 * retries as before. The shape: format version 2; exactly the updates {@code add-snapshot} and
 * {@code set-snapshot-ref} of that snapshot on a branch; the snapshot's operation {@code append}; every requirement
 * but that branch's {@code assert-ref-snapshot-id} (which names the snapshot's parent) holding; its manifest list
 * the parent's manifests plus data manifests of its own that delete nothing, with no encryption key. A manifest
 * merge (Iceberg's {@code MergeAppend}, DataShard's own appends) is moved too when the parent's manifests it folded
 * in are still in the head unchanged and its own manifests carry exactly their live files; they are then left out
 * of the moved list.
 */
final class AppendRebase {
  private static final Logger LOG = LoggerFactory.getLogger(AppendRebase.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The summary's totals, each with the per-snapshot counts that move it: total, added, removed. */
  private static final String[][] TOTALS = {
      {"total-data-files", "added-data-files", "deleted-data-files"},
      {"total-delete-files", "added-delete-files", "removed-delete-files"},
      {"total-records", "added-records", "deleted-records"},
      {"total-files-size", "added-files-size", "removed-files-size"},
      {"total-position-deletes", "added-position-deletes", "removed-position-deletes"},
      {"total-equality-deletes", "added-equality-deletes", "removed-equality-deletes"}};

  private final TableOperations ops;
  private final StorageBackend storage;
  private final Executor executor;
  /** The manifest lists of the snapshots moved in this group, by snapshot id: the next move's head is one of them. */
  private final Map<Long, List<io.datashard.metadata.ManifestFile>> movedLists = new HashMap<>();
  /** The list write of each moved request (identity: two requests may be equal). */
  private final Map<UpdateTableRequest, CompletableFuture<Void>> writes = new java.util.IdentityHashMap<>();
  private final List<String> written = new ArrayList<>();

  /**
   * One group's moves: the lists they write are written concurrently ({@link #awaitWrites()} before the version
   * that references them is published), and each move reads its head's list from memory when a move of the same
   * group wrote it.
   */
  AppendRebase(TableOperations ops, StorageBackend storage, Executor executor) {
    this.ops = ops;
    this.storage = storage;
    this.executor = executor;
  }

  /**
   * Reads the manifest lists of the group's appended snapshots concurrently (Iceberg's snapshots keep what they
   * read), so that the moves, which run one after another, find them in memory.
   */
  static void prefetch(List<UpdateTableRequest> requests, FileIO io, Executor executor) {
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (UpdateTableRequest r : requests) {
      for (MetadataUpdate u : r.updates()) {
        if (u instanceof MetadataUpdate.AddSnapshot add) {
          reads.add(CompletableFuture.runAsync(() -> add.snapshot().allManifests(io), executor));
        }
      }
    }
    try {
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException e) {
      LOG.debug("prefetching manifest lists failed; the moves read them again", e);
    }
  }

  /** @return the manifest lists this group's moves wrote (or are writing) */
  List<String> written() {
    return written;
  }

  /**
   * Waits for the lists the moves wrote.
   *
   * @return the requests whose list could not be written, with the failure (empty when all were written)
   */
  Map<UpdateTableRequest, Throwable> awaitWrites() {
    Map<UpdateTableRequest, Throwable> failed = new java.util.IdentityHashMap<>();
    writes.forEach((request, write) -> {
      try {
        write.join();
      } catch (java.util.concurrent.CompletionException e) {
        failed.put(request, e.getCause() != null ? e.getCause() : e);
      }
    });
    return failed;
  }

  /**
   * @param current the metadata the request is applied to (the latest version plus the group's earlier requests)
   * @param request a request whose requirements failed against {@code current}
   * @return the updates to apply instead of the request's (the append moved onto the branch's head; its manifest
   *     list is among {@link #written()}), or null when it is not a plain append that can be moved
   * @throws UncheckedIOException when reading a manifest list fails
   */
  List<MetadataUpdate> tryMove(TableMetadata current, UpdateTableRequest request) {
    if (current.formatVersion() < 2 || current.formatVersion() > 3 || request.updates().size() != 2
        || !(request.updates().get(0) instanceof MetadataUpdate.AddSnapshot add)
        || !(request.updates().get(1) instanceof MetadataUpdate.SetSnapshotRef ref)) {
      return null; // not the shape of an append
    }
    Snapshot appended = add.snapshot();
    if (!"branch".equalsIgnoreCase(ref.type()) || ref.snapshotId() != appended.snapshotId()
        || !DataOperations.APPEND.equals(appended.operation())) {
      return null;
    }
    if (current.snapshot(appended.snapshotId()) != null) {
      return refused(appended, "its snapshot is already committed (a resent request)");
    }
    SnapshotRef head = current.ref(ref.name());
    if (head == null || !otherRequirementsHold(current, request, ref, appended.parentId())) {
      return refused(appended, "a requirement other than the branch's head fails");
    }
    Snapshot parent = appended.parentId() == null ? null : current.snapshot(appended.parentId());
    Snapshot headSnapshot = current.snapshot(head.snapshotId());
    if ((appended.parentId() != null && parent == null) || headSnapshot == null) {
      return refused(appended, "its parent snapshot is gone");
    }
    FileIO io = ops.io();
    List<io.datashard.metadata.ManifestFile> headManifests = movedLists.get(headSnapshot.snapshotId());
    if (headManifests == null) {
      headManifests = new ArrayList<>();
      for (ManifestFile m : headSnapshot.allManifests(io)) {
        if (m.keyMetadata() != null) {
          return refused(appended, "an encrypted manifest list at the head");
        }
        headManifests.add(toDataShard(m, m.sequenceNumber(), m.minSequenceNumber(), m.firstRowId()));
      }
    }
    Map<String, ManifestFile> inParent = new HashMap<>();
    if (parent != null) {
      parent.allManifests(io).forEach(m -> inParent.put(m.path(), m));
    }
    // The append's list: its own manifests, and its parent's, except those a merge folded into its own.
    List<ManifestFile> own = new ArrayList<>();
    Set<String> folded = new HashSet<>(inParent.keySet());
    long ownExisting = 0;
    for (ManifestFile m : appended.allManifests(io)) {
      if (m.keyMetadata() != null) {
        return refused(appended, "an encrypted manifest list");
      }
      if (m.snapshotId() != null && m.snapshotId() == appended.snapshotId()) {
        if (m.content() != ManifestContent.DATA || m.hasDeletedFiles() || m.existingFilesCount() == null
            || m.sequenceNumber() != appended.sequenceNumber()
            || m.minSequenceNumber() > appended.sequenceNumber()) {
          return refused(appended, "manifest " + m.path() + " is not one an append writes");
        }
        ownExisting += m.existingFilesCount();
        own.add(m);
      } else if (folded.remove(m.path())) {
        continue; // carried from the parent
      } else {
        return refused(appended, "manifest " + m.path() + " is neither its own nor its parent's");
      }
    }
    // A merged manifest holds the live files of the parent's manifests it replaced: those must still be in the
    // head unchanged, or another writer removed or rewrote some of their files meanwhile.
    Set<String> inHead = new HashSet<>();
    headManifests.forEach(m -> inHead.add(m.location()));
    long foldedLive = 0;
    for (String path : folded) {
      ManifestFile m = inParent.get(path);
      if (!inHead.contains(path) || m.addedFilesCount() == null || m.existingFilesCount() == null) {
        return refused(appended, "a manifest its merge replaced changed since");
      }
      foldedLive += m.addedFilesCount() + m.existingFilesCount();
    }
    if (own.isEmpty() || foldedLive != ownExisting) {
      return refused(appended, "its merged manifests do not hold exactly the files of those they replaced");
    }

    long sequenceNumber = current.lastSequenceNumber() + 1;
    List<io.datashard.metadata.ManifestFile> list = new ArrayList<>(own.size() + headManifests.size());
    for (ManifestFile m : own) {
      // Added entries inherit the new number; a merge's existing entries keep theirs (the minimum below it).
      long min = m.minSequenceNumber() == appended.sequenceNumber() ? sequenceNumber : m.minSequenceNumber();
      // (format version 3) the row ids its list assigned were counted from its old base: assigned again below
      list.add(toDataShard(m, sequenceNumber, min, null));
    }
    for (io.datashard.metadata.ManifestFile m : headManifests) {
      if (!folded.contains(m.location())) {
        list.add(m);
      }
    }
    // Format version 3: row ids from the table's next row id, as a commit on the head would assign them.
    Long firstRowId = current.formatVersion() >= 3 ? current.nextRowId() : null;
    long assignedRowIds;
    try {
      assignedRowIds = firstRowId == null ? 0 : ManifestListWriter.assignRowIds(list, firstRowId);
    } catch (IllegalArgumentException e) {
      return refused(appended, e.getMessage());
    }
    String location = ops.metadataFileLocation("snap-" + appended.snapshotId() + "-moved-" + UUID.randomUUID()
        + ".avro");
    long headId = headSnapshot.snapshotId();
    written.add(location);
    int formatVersion = current.formatVersion();
    writes.put(request, CompletableFuture.runAsync(() -> ManifestListWriter.write(storage.newOutputFile(location),
        appended.snapshotId(), headId, sequenceNumber, list, formatVersion, firstRowId), executor));
    movedLists.put(appended.snapshotId(), list);

    Snapshot moved = movedSnapshot(appended, headSnapshot, sequenceNumber, location, firstRowId, assignedRowIds);
    return List.of(new MetadataUpdate.AddSnapshot(moved), ref);
  }

  private static List<MetadataUpdate> refused(Snapshot appended, String why) {
    LOG.debug("append {} answered 409, not moved onto the branch's head: {}", appended.snapshotId(), why);
    return null;
  }

  /** Every requirement but the moved branch's own assertion (which must name the append's parent) holds. */
  private static boolean otherRequirementsHold(TableMetadata current, UpdateTableRequest request,
      MetadataUpdate.SetSnapshotRef ref, Long parentId) {
    for (UpdateRequirement r : request.requirements()) {
      if (r instanceof UpdateRequirement.AssertRefSnapshotID a && a.refName().equals(ref.name())) {
        if (!java.util.Objects.equals(a.snapshotId(), parentId)) {
          return false;
        }
        continue;
      }
      if (r instanceof UpdateRequirement.AssertTableDoesNotExist) {
        return false;
      }
      try {
        r.validate(current);
      } catch (CommitFailedException e) {
        return false;
      }
    }
    return true;
  }

  /** The append's snapshot with the head as parent, the new sequence number and list, and totals from the head. */
  private static Snapshot movedSnapshot(Snapshot appended, Snapshot head, long sequenceNumber, String manifestList,
                                        Long firstRowId, long assignedRowIds) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(SnapshotParser.toJson(appended));
      if (firstRowId != null) {
        node.put("first-row-id", firstRowId);
        node.put("added-rows", assignedRowIds);
      }
      node.put("parent-snapshot-id", head.snapshotId());
      node.put("sequence-number", sequenceNumber);
      node.put("manifest-list", manifestList);
      node.put("timestamp-ms", Math.max(appended.timestampMillis(), head.timestampMillis()));
      JsonNode summary = node.get("summary");
      if (summary instanceof ObjectNode s) {
        movedTotals(s, head.summary());
      }
      return SnapshotParser.fromJson(JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each total becomes the head's plus what the append added minus what it removed; dropped when not known. */
  private static void movedTotals(ObjectNode summary, Map<String, String> headSummary) {
    for (String[] keys : TOTALS) {
      if (!summary.has(keys[0])) {
        continue;
      }
      String headTotal = headSummary == null ? null : headSummary.get(keys[0]);
      try {
        if (headTotal != null) {
          long total = Long.parseLong(headTotal) + count(summary, keys[1]) - count(summary, keys[2]);
          summary.put(keys[0], Long.toString(total));
          continue;
        }
      } catch (NumberFormatException e) {
        // fall through: an unreadable total is not carried forward wrong
      }
      summary.remove(keys[0]);
    }
  }

  private static long count(ObjectNode summary, String key) {
    JsonNode v = summary.get(key);
    return v == null ? 0 : Long.parseLong(v.asText());
  }

  private static io.datashard.metadata.ManifestFile toDataShard(ManifestFile m, long sequenceNumber,
      long minSequenceNumber, Long firstRowId) {
    List<PartitionFieldSummary> partitions = new ArrayList<>();
    if (m.partitions() != null) {
      for (ManifestFile.PartitionFieldSummary p : m.partitions()) {
        partitions.add(new PartitionFieldSummary(p.containsNull(), p.containsNaN(), p.lowerBound(),
            p.upperBound()));
      }
    }
    return new io.datashard.metadata.ManifestFile(m.path(), m.length(), m.partitionSpecId(), m.content().id(),
        sequenceNumber, minSequenceNumber, m.snapshotId() == null ? -1 : m.snapshotId(),
        count(m.addedFilesCount()), count(m.existingFilesCount()), count(m.deletedFilesCount()),
        count(m.addedRowsCount()), count(m.existingRowsCount()), count(m.deletedRowsCount()), partitions,
        m.content() == ManifestContent.DATA ? firstRowId : null);
  }

  private static int count(Integer n) {
    return n == null ? -1 : n;
  }

  private static long count(Long n) {
    return n == null ? -1 : n;
  }
}
