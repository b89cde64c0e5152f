package io.datashard.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.StorageException;
import io.datashard.TableNotFoundException;
import io.datashard.ValidationException;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.VersionTombstone;
import io.datashard.manifest.ManifestListReader;
import io.datashard.manifest.ManifestListWriter;
import io.datashard.manifest.ManifestReader;
import io.datashard.manifest.ManifestWriter;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.metadata.TableMetadataParser;
import io.datashard.storage.FileInfo;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Copies a table, with every snapshot, to another location on the same or another storage backend (local to
 * S3, S3 to local, bucket to bucket), then verifies the copy.
 *
 * <p>Iceberg metadata holds absolute locations (metadata JSON, manifest lists, manifests), so a byte copy would
 * point back at the source. The copy is a replay: metadata versions are taken in order; before version N is
 * written, every snapshot it holds has its data files copied byte for byte and its manifests and manifest list
 * rewritten with destination locations by core's writers (all other fields kept: snapshot ids, sequence
 * numbers, statistics, partition summaries). Version N's JSON is the source JSON with every location under the
 * source table rewritten, created exclusively, so the destination is a valid table, readable at its newest
 * version, at every moment of the copy.
 *
 * <p>Resumable: data files already at the destination with the right size are not copied again, snapshots of
 * destination versions already written are not replayed, and a version already written is never rewritten.
 * Run the same migration again after an interruption and it continues where it stopped.
 */
public final class TableMigration {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final StorageBackend src;
  private final String srcTable;
  private final StorageBackend dst;
  private final String dstTable;

  private String srcPrefix;
  private final Map<String, ManifestFile> manifests = new HashMap<>();
  private final Set<Long> replayed = new HashSet<>();
  private final Set<String> copiedData = new HashSet<>();
  private Map<String, Long> dstSizes;
  private final List<String> pendingSync = new ArrayList<>();
  private CopyReport.Builder report = new CopyReport.Builder();
  private boolean primed;
  private boolean verifyCopies;
  private final List<Long> versionSnapshots = new ArrayList<>();
  private final List<String> versionFiles = new ArrayList<>();
  private long versionBytes;

  /**
   * @param src source storage
   * @param srcTable source table location
   * @param dst destination storage
   * @param dstTable destination table location
   */
  public TableMigration(StorageBackend src, String srcTable, StorageBackend dst, String dstTable) {
    this.src = src;
    this.srcTable = strip(srcTable);
    this.dst = dst;
    this.dstTable = strip(dstTable);
  }

  /**
   * Makes the copy check every data file it copies or finds present before anything refers to it: the size the
   * manifest records, and CRC32C of the destination's bytes equal to the source's (the source's checksum is taken
   * while streaming the copy, so a copied file costs one extra read of the destination only). Every version is
   * also read back after it is published and compared byte for byte with what was meant to be written.
   *
   * @return this
   */
  public TableMigration verifyEachVersion() {
    this.verifyCopies = true;
    return this;
  }

  /** Told of each metadata version this copy publishes at the destination, in order. */
  @FunctionalInterface
  public interface VersionListener {
    /**
     * @param version what was published
     */
    void published(PublishedVersion version);
  }

  /**
   * One metadata version published at the destination by a copy.
   *
   * @param version the version number (the same at source and destination)
   * @param location the destination's version file
   * @param tombstone whether the version is a tombstone (its name carried over, no metadata)
   * @param commitMillis when the source committed it (the metadata's last-updated time, or the tombstone's)
   * @param snapshotIds snapshots replayed for this version (those that no earlier version held)
   * @param dataFiles data files this version was the first to need (destination locations), copied or found
   * @param dataBytes their bytes
   */
  public record PublishedVersion(int version, String location, boolean tombstone, long commitMillis,
                                 List<Long> snapshotIds, List<String> dataFiles, long dataBytes) {
    /** Copies the lists. */
    public PublishedVersion {
      snapshotIds = List.copyOf(snapshotIds);
      dataFiles = List.copyOf(dataFiles);
    }
  }

  private static String strip(String l) {
    return l.endsWith("/") ? l.substring(0, l.length() - 1) : l;
  }

  /** @return the sum of the sizes of the data files that the copy would transfer (for a progress bar) */
  public long plannedBytes() {
    TreeMap<Integer, FileInfo> versions = versions(src, srcTable);
    TableMetadata latest = read(src, versions.lastEntry().getValue(), versions.lastKey());
    Map<String, Long> existing = dstSizes();
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (Snapshot s : latest.snapshots()) {
      for (ManifestFile mf : ManifestListReader.read(src, s.manifestListLocation())) {
        if (!seen.add(mf.location())) {
          continue;
        }
        for (ManifestEntry e : ManifestReader.readAll(src, mf)) {
          DataFile f = e.file();
          if (e.isLive() && seen.add(f.location())) {
            Long have = existing.get(rewrite(f.location(), latest.location()));
            if (have == null || have != f.fileSizeInBytes()) {
              total += f.fileSizeInBytes();
            }
          }
        }
      }
    }
    return total;
  }

  /**
   * Copies the table.
   *
   * @param bytesCopied told of every chunk of data-file bytes copied
   * @return what was copied and what was already there
   * @throws TableNotFoundException when there is no table at the source
   * @throws ValidationException when the destination holds another table
   */
  public CopyReport copy(LongConsumer bytesCopied) {
    return copy(bytesCopied, () -> false, v -> { });
  }

  /**
   * Copies the versions the destination lacks, in order, and may stop between two versions. A copy interrupted
   * at any point (an exception, a killed process) leaves the destination a readable table at one of the source's
   * versions; running a copy again continues. After a failed copy, use a new instance.
   *
   * @param bytesCopied told of every chunk of data-file bytes copied
   * @param stopRequested asked before each version is started; when it answers true the copy stops there
   * @param listener told of each version published
   * @return what was copied; its latest version is the newest now at the destination
   * @throws TableNotFoundException when there is no table at the source
   * @throws ValidationException when the destination holds another table
   * @throws ReplicationVerificationException when {@link #verifyEachVersion()} is on and a copy differs
   */
  public CopyReport copy(LongConsumer bytesCopied, java.util.function.BooleanSupplier stopRequested,
      VersionListener listener) {
    report = new CopyReport.Builder();
    TreeMap<Integer, FileInfo> versions = versions(src, srcTable);
    TableMetadata latest = read(src, versions.lastEntry().getValue(), versions.lastKey());
    srcPrefix = strip(latest.location());
    Set<Long> liveInLatest = new HashSet<>();
    latest.snapshots().forEach(s -> liveInLatest.add(s.snapshotId()));

    TreeMap<Integer, FileInfo> dstVersions = versionsOrEmpty(dst, dstTable);
    boolean firstPass = !primed;
    if (!dstVersions.isEmpty() && !primed) {
      TableMetadata dstLatest = read(dst, dstVersions.lastEntry().getValue(), dstVersions.lastKey());
      if (!dstLatest.tableUuid().equals(latest.tableUuid())) {
        throw new ValidationException("the destination " + dstTable + " already holds another table (uuid "
            + dstLatest.tableUuid() + ", the source is " + latest.tableUuid() + "); choose another destination");
      }
      String diverged = divergence(dstVersions, versions, latest);
      if (diverged != null) {
        throw new ValidationException("the destination " + dstTable + " has diverged from the source: " + diverged
            + " (was it written to, e.g. promoted after a failover?). Copy into an empty location instead");
      }
      // Snapshots committed at the destination are done; remember their manifests for reuse by later snapshots.
      for (Snapshot s : dstLatest.snapshots()) {
        if (dst.exists(s.manifestListLocation())) {
          for (ManifestFile mf : ManifestListReader.read(dst, s.manifestListLocation())) {
            manifests.put(relative(mf.location(), dstTable), mf);
          }
          replayed.add(s.snapshotId());
        }
      }
    }
    primed = true;
    dstSizes();

    int newest = dstVersions.isEmpty() ? 0 : dstVersions.lastKey();
    // Tombstones are published only after the next full version: a destination whose newest version were a
    // tombstone (a copy stopped or killed right after it) could not be read. Until they are, their names are
    // missing, so readers of the destination probe no further than the full version before them (a prefix).
    List<Runnable> tombstones = new ArrayList<>();
    // Names the source removed since (old tombstones, docs/concurrency.md, "Removing old tombstones") between the
    // destination's newest version and the next the source has: the destination gets tombstones for them, so that
    // the name after a version it holds is not absent while newer ones exist (a reader would stop there).
    Integer nextAtSource = newest > 0 ? versions.higherKey(newest) : null;
    for (int m = newest + 1; nextAtSource != null && m < nextAtSource; m++) {
      int gap = m;
      tombstones.add(() -> publishTombstone(gap, VersionTombstone.expired(gap).toJson(), System.currentTimeMillis(),
          listener));
    }
    for (Map.Entry<Integer, FileInfo> v : versions.entrySet()) {
      int n = v.getKey();
      if (dstVersions.containsKey(n)) {
        report.versionsPresent++;
        publishAll(tombstones); // names below a version the destination holds (left by a copy that stopped)
        continue;
      }
      if (stopRequested.getAsBoolean()) {
        break;
      }
      versionSnapshots.clear();
      versionFiles.clear();
      versionBytes = 0;
      byte[] json = src.readAll(v.getValue().location());
      if (VersionTombstone.looksLikeTombstone(json)) {
        // A version whose metadata the source no longer keeps: its name is copied as the same tombstone, so
        // that the destination's version names are as occupied as the source's (docs/concurrency.md).
        long written = VersionTombstone.parse(v.getValue().location(), json)
            .writtenMillis(v.getValue().lastModifiedMillis());
        tombstones.add(() -> publishTombstone(n, json, written, listener));
        continue;
      }
      TableMetadata meta = TableMetadataParser.fromJson(v.getValue().location(), n, json);
      if (!meta.tableUuid().equals(latest.tableUuid())) {
        // A version of an earlier table of this name, dropped before the current one was created: only its
        // name is carried over.
        long written = meta.lastUpdatedMillis();
        tombstones.add(() -> publishTombstone(n, VersionTombstone.expired(n).toJson(), written, listener));
        continue;
      }
      List<Snapshot> snaps = new ArrayList<>(meta.snapshots());
      snaps.sort(Comparator.comparingLong(Snapshot::sequenceNumber));
      for (Snapshot s : snaps) {
        if (replayed.contains(s.snapshotId())) {
          continue;
        }
        if (!liveInLatest.contains(s.snapshotId()) && !src.exists(s.manifestListLocation())) {
          report.expiredSkipped.add(s.snapshotId()); // expired at the source: its files are gone there too
          replayed.add(s.snapshotId());
          continue;
        }
        replay(s, meta, bytesCopied);
      }
      byte[] rewritten = rewriteJson(json);
      String target = MetadataFiles.versionFile(dstTable, n);
      TableMetadataParser.fromJson(target, n, rewritten); // parses as a table before it is published
      if (!pendingSync.isEmpty()) {
        dst.sync(pendingSync);
        pendingSync.clear();
      }
      if (dst.createExclusive(target, rewritten)) {
        report.versionsWritten++;
        checkPublished(target, rewritten);
        listener.published(new PublishedVersion(n, target, false, meta.lastUpdatedMillis(), versionSnapshots,
            versionFiles, versionBytes));
      } else {
        report.versionsPresent++;
        if (verifyCopies && !java.util.Arrays.equals(dst.readAll(target), rewritten)) {
          throw new ValidationException("the destination " + dstTable + " has diverged from the source: v" + n
              + " was published there by another writer while it was being copied");
        }
      }
      publishAll(tombstones);
      newest = n;
    }
    if (newest > 0 && (firstPass || report.versionsWritten > 0)) {
      // The hint last, after every version it may name (advisory: readers probe forward from it).
      dst.writeAdvisory(MetadataFiles.hintFile(dstTable),
          String.valueOf(newest).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return report.build(newest);
  }

  private static void publishAll(List<Runnable> tombstones) {
    tombstones.forEach(Runnable::run);
    tombstones.clear();
  }

  private void publishTombstone(int version, byte[] tombstone, long commitMillis, VersionListener listener) {
    String target = MetadataFiles.versionFile(dstTable, version);
    if (dst.createExclusive(target, tombstone)) {
      report.versionsWritten++;
      checkPublished(target, tombstone);
      listener.published(new PublishedVersion(version, target, true, commitMillis, List.of(), List.of(), 0));
    } else {
      report.versionsPresent++;
    }
  }

  /** Reads a version back after publishing it: the destination holds exactly the bytes meant. */
  private void checkPublished(String target, byte[] expected) {
    if (verifyCopies && !java.util.Arrays.equals(dst.readAll(target), expected)) {
      throw new ReplicationVerificationException("version " + target + " differs from what was written ("
          + expected.length + " bytes expected)");
    }
  }

  private void replay(Snapshot s, TableMetadata meta, LongConsumer bytesCopied) {
    if (meta.formatVersion() >= 3) {
      // Its manifests and lists carry row lineage and deletion vectors that the rewrite below would drop.
      throw new io.datashard.UnsupportedTableFeatureException("cannot migrate " + srcTable + ": it has format-version "
          + meta.formatVersion() + ", and DataShard migrates format version 1 and 2 tables only");
    }
    List<ManifestFile> out = new ArrayList<>();
    for (ManifestFile mf : ManifestListReader.read(src, s.manifestListLocation())) {
      if (mf.content() != ManifestFile.CONTENT_DATA) {
        // Delete files carry fields (content, equality ids) that the data-file rewrite would drop.
        throw new io.datashard.UnsupportedTableFeatureException("cannot migrate " + srcTable + ": snapshot "
            + s.snapshotId() + " has delete files (written by another engine); DataShard does not migrate row-level "
            + "deletes yet. Compact the table with that engine first");
      }
      String key = relative(mf.location(), srcPrefix);
      ManifestFile done = manifests.get(key);
      if (done == null) {
        done = rewriteManifest(mf, meta, bytesCopied);
        manifests.put(key, done);
      }
      out.add(done);
    }
    String list = rewrite(s.manifestListLocation(), srcPrefix);
    dst.delete(list); // left by an interrupted run: referenced by no destination version yet
    ManifestListWriter.write(dst.newOutputFile(list), s.snapshotId(), s.parentId(), s.sequenceNumber(), out);
    pendingSync.add(list);
    report.manifestListsWritten++;
    replayed.add(s.snapshotId());
    versionSnapshots.add(s.snapshotId());
  }

  private ManifestFile rewriteManifest(ManifestFile mf, TableMetadata meta, LongConsumer bytesCopied) {
    String target = rewrite(mf.location(), srcPrefix);
    byte[] content = src.readAll(mf.location());
    ManifestWriter w;
    try (ManifestReader r = ManifestReader.open(content, mf)) {
      Schema schema = meta.schema();
      String schemaId = r.metadata().get("schema-id");
      if (schemaId != null && meta.schemaById(Integer.parseInt(schemaId)) != null) {
        schema = meta.schemaById(Integer.parseInt(schemaId));
      }
      PartitionSpec spec = meta.specById(mf.specId());
      if (spec == null) {
        throw new ValidationException("manifest " + mf.location() + " has partition spec " + mf.specId()
            + ", which the table metadata does not define");
      }
      dst.delete(target); // left by an interrupted run: referenced by no destination version yet
      w = ManifestWriter.create(dst.newOutputFile(target), spec, schema, mf.addedSnapshotId());
      try (w) {
        while (r.hasNext()) {
          ManifestEntry e = r.next();
          DataFile f = e.file();
          if (e.isLive()) {
            copyData(f, bytesCopied);
          }
          w.write(new ManifestEntry(e.status(), e.snapshotId(), e.dataSequenceNumber(), e.fileSequenceNumber(),
              f.toBuilder().location(rewrite(f.location(), srcPrefix)).build()));
        }
      }
    }
    pendingSync.add(target);
    report.manifestsWritten++;
    return new ManifestFile(target, w.length(), mf.specId(), mf.content(), mf.sequenceNumber(),
        mf.minSequenceNumber(), mf.addedSnapshotId(), mf.addedFilesCount(), mf.existingFilesCount(),
        mf.deletedFilesCount(), mf.addedRowsCount(), mf.existingRowsCount(), mf.deletedRowsCount(), mf.partitions());
  }

  private void copyData(DataFile f, LongConsumer bytesCopied) {
    String target = rewrite(f.location(), srcPrefix);
    if (copiedData.contains(target)) {
      return;
    }
    Long have = dstSizes.get(target);
    if (have != null && have == f.fileSizeInBytes() && verifyCopies
        && crc(dst, target, b -> { }, new long[1]) != crc(src, f.location(), b -> { }, new long[1])) {
      // Present from an interrupted run but not the source's bytes: referenced by no version yet, so replaced.
      have = -1L;
    }
    if (have != null && have == f.fileSizeInBytes()) {
      copiedData.add(target);
      versionFiles.add(target);
      versionBytes += have;
      report.dataFilesPresent++;
      report.bytesPresent += have;
      return;
    }
    if (have != null) {
      dst.delete(target); // a different file of that name: not referenced by any destination version
    }
    long n = 0;
    byte[] buf = new byte[1 << 20];
    CRC32C sourceCrc = new CRC32C();
    try (InputStream in = src.newInputFile(f.location(), f.fileSizeInBytes()).newSequentialStream();
         OutputStream out = dst.newOutputFile(target).create()) {
      int r;
      while ((r = in.read(buf)) > 0) {
        sourceCrc.update(buf, 0, r);
        out.write(buf, 0, r);
        n += r;
        bytesCopied.accept(r);
      }
    } catch (IOException e) {
      throw new StorageException("cannot copy " + f.location() + " to " + target + ": " + e.getMessage(), e);
    }
    if (n != f.fileSizeInBytes()) {
      throw new StorageException("copied " + n + " bytes of " + f.location() + " but its manifest records "
          + f.fileSizeInBytes() + " (file changed or truncated at the source?)");
    }
    if (verifyCopies) {
      checkCopy(f, target, sourceCrc.getValue());
    }
    copiedData.add(target);
    versionFiles.add(target);
    versionBytes += n;
    pendingSync.add(target);
    report.dataFilesCopied++;
    report.bytesCopied += n;
  }

  private void checkCopy(DataFile f, String target, long sourceCrc) {
    long[] len = new long[1];
    long targetCrc = crc(dst, target, b -> { }, len);
    if (len[0] != f.fileSizeInBytes() || targetCrc != sourceCrc) {
      throw new ReplicationVerificationException("the copy " + target + " of " + f.location() + " differs: "
          + len[0] + " bytes, crc32c " + Long.toHexString(targetCrc) + "; the source has " + f.fileSizeInBytes()
          + " bytes, crc32c " + Long.toHexString(sourceCrc));
    }
  }

  private Map<String, Long> dstSizes() {
    if (dstSizes == null) {
      dstSizes = new HashMap<>();
      for (FileInfo fi : dst.list(MetadataFiles.dataDir(dstTable))) {
        dstSizes.put(fi.location(), fi.size());
      }
    }
    return dstSizes;
  }

  private byte[] rewriteJson(byte[] json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      JsonNode out = rewriteNode(root);
      return MAPPER.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode rewriteNode(JsonNode node) {
    if (node.isTextual()) {
      String t = node.textValue();
      if (t.equals(srcPrefix) || t.startsWith(srcPrefix + "/")) {
        return TextNode.valueOf(dstTable + t.substring(srcPrefix.length()));
      }
      return node;
    }
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      Map<String, JsonNode> replaced = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        replaced.put(e.getKey(), rewriteNode(e.getValue()));
      }
      replaced.forEach(o::set);
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, rewriteNode(a.get(i)));
      }
      return a;
    }
    return node;
  }

  private String rewrite(String location, String prefix) {
    return dstTable + "/" + relative(location, prefix);
  }

  private static String relative(String location, String prefix) {
    if (!location.startsWith(prefix + "/")) {
      throw new ValidationException("cannot migrate: " + location + " lies outside the table location " + prefix);
    }
    return location.substring(prefix.length() + 1);
  }

  static TreeMap<Integer, FileInfo> versions(StorageBackend storage, String table) {
    TreeMap<Integer, FileInfo> v = versionsOrEmpty(storage, table);
    if (v.isEmpty()) {
      throw new TableNotFoundException(table.substring(table.lastIndexOf('/') + 1), table);
    }
    return v;
  }

  static TreeMap<Integer, FileInfo> versionsOrEmpty(StorageBackend storage, String table) {
    TreeMap<Integer, FileInfo> out = new TreeMap<>();
    for (FileInfo f : storage.list(MetadataFiles.metadataDir(table))) {
      int n = MetadataFiles.parseVersion(f.location());
      if (n > 0) {
        out.put(n, f);
      }
    }
    return out;
  }

  static TableMetadata read(StorageBackend storage, FileInfo file, int version) {
    byte[] bytes = storage.readAll(file.location());
    VersionTombstone tombstone = VersionTombstone.parse(file.location(), bytes);
    if (tombstone != null) {
      String table = file.location().substring(0, file.location().lastIndexOf("/metadata/"));
      if (tombstone.kind() == VersionTombstone.Kind.DROPPED) {
        throw new TableNotFoundException(table.substring(table.lastIndexOf('/') + 1), table,
            "table " + table + " was dropped (v" + version + " is its drop)");
      }
      throw new io.datashard.CorruptMetadataException(file.location(), "the latest version is an expired tombstone");
    }
    return TableMetadataParser.fromJson(file.location(), version, bytes);
  }

  /**
   * Compares the destination with the source: the same versions, snapshots and current snapshot; per
   * snapshot the same data files (by path within the table) with the same row counts; every data file's
   * CRC32C over its whole content equal on both sides.
   *
   * @param bytesRead told of every chunk read for checksums (both sides)
   * @return the verification report
   */
  public VerifyReport verify(LongConsumer bytesRead) {
    return verify(bytesRead, false);
  }

  /**
   * Compares a replica, which may lag behind the source, with the source up to the replica's newest version:
   * the same version names; each version's bytes equal to the source's with locations rewritten (unless the
   * source has since replaced it by a tombstone); then as {@link #verify(LongConsumer)} for the replica's newest
   * version against the source's version of the same number.
   *
   * @param bytesRead told of every chunk read for checksums (both sides)
   * @return the verification report
   */
  public VerifyReport verifyReplica(LongConsumer bytesRead) {
    return verify(bytesRead, true);
  }

  private VerifyReport verify(LongConsumer bytesRead, boolean replica) {
    TreeMap<Integer, FileInfo> sv = versions(src, srcTable);
    TreeMap<Integer, FileInfo> dv = versionsOrEmpty(dst, dstTable);
    List<String> problems = new ArrayList<>();
    if (dv.isEmpty()) {
      problems.add("the destination has no metadata version");
      return new VerifyReport(0, 0, 0, 0, 0, 0, problems);
    }
    TableMetadata srcLatest = read(src, sv.lastEntry().getValue(), sv.lastKey());
    if (replica) {
      sv = new TreeMap<>(sv.headMap(dv.lastKey(), true));
      srcPrefix = strip(srcLatest.location());
      for (Map.Entry<Integer, FileInfo> e : dv.entrySet()) {
        FileInfo sf = sv.get(e.getKey());
        if (sf != null) {
          compareVersion(e.getKey(), src.readAll(sf.location()), dst.readAll(e.getValue().location()),
              srcLatest.tableUuid(), problems);
        }
      }
    }
    if (sv.isEmpty() || !sv.keySet().equals(dv.keySet())) {
      problems.add("metadata versions differ: source " + sv.keySet().size() + (sv.isEmpty() ? "" : " (v"
          + sv.firstKey() + "..v" + sv.lastKey() + ")") + ", destination " + dv.keySet().size() + " (v"
          + dv.firstKey() + "..v" + dv.lastKey() + ")");
      if (sv.isEmpty()) {
        return new VerifyReport(dv.size(), 0, 0, 0, 0, 0, problems);
      }
    }
    TableMetadata s = srcLatest;
    if (replica) {
      byte[] b = src.readAll(sv.lastEntry().getValue().location());
      // Tombstoned at the source since it was replicated: compare with the source's newest metadata instead.
      s = VersionTombstone.looksLikeTombstone(b) ? srcLatest
          : TableMetadataParser.fromJson(sv.lastEntry().getValue().location(), sv.lastKey(), b);
    }
    TableMetadata d = read(dst, dv.lastEntry().getValue(), dv.lastKey());
    String sp = strip(s.location());
    if (!strip(d.location()).equals(dstTable)) {
      problems.add("destination metadata names location " + d.location() + ", expected " + dstTable);
    }
    if (!s.tableUuid().equals(d.tableUuid())) {
      problems.add("table uuid differs: " + s.tableUuid() + " vs " + d.tableUuid());
    }
    if (s.version() == d.version() && !java.util.Objects.equals(s.currentSnapshotId(), d.currentSnapshotId())) {
      problems.add("current snapshot differs: " + s.currentSnapshotId() + " vs " + d.currentSnapshotId());
    }
    Map<String, Long> srcCrc = new HashMap<>();
    Map<String, Long> dstCrc = new HashMap<>();
    long rowsAll = 0;
    long rowsCurrent = 0;
    long bytes = 0;
    int snapshots = 0;
    for (Snapshot ss : s.snapshots()) {
      Snapshot ds = d.snapshot(ss.snapshotId());
      if (ds == null) {
        problems.add("snapshot " + ss.snapshotId() + " is missing at the destination");
        continue;
      }
      snapshots++;
      Map<String, Long> sf = liveFiles(src, ss, sp);
      Map<String, Long> df = liveFiles(dst, ds, dstTable);
      long sRows = sf.values().stream().mapToLong(Long::longValue).sum();
      long dRows = df.values().stream().mapToLong(Long::longValue).sum();
      if (!sf.equals(df)) {
        problems.add("snapshot " + ss.snapshotId() + ": data files differ (" + sf.size() + " files, " + sRows
            + " rows at the source; " + df.size() + " files, " + dRows + " rows at the destination)");
      }
      Long total = summaryLong(ss, "total-records");
      if (total != null && total != dRows) {
        problems.add("snapshot " + ss.snapshotId() + ": " + dRows + " rows at the destination, its summary says " + total);
      }
      rowsAll += dRows;
      if (ss.snapshotId() == (s.currentSnapshotId() == null ? -1 : s.currentSnapshotId())) {
        rowsCurrent = dRows;
      }
      for (String rel : sf.keySet()) {
        if (srcCrc.containsKey(rel) || !df.containsKey(rel)) {
          continue;
        }
        long[] len = new long[1];
        srcCrc.put(rel, crc(src, sp + "/" + rel, bytesRead, len));
        dstCrc.put(rel, crc(dst, dstTable + "/" + rel, bytesRead, new long[1]));
        bytes += len[0];
        if (!srcCrc.get(rel).equals(dstCrc.get(rel))) {
          problems.add("checksum differs for " + rel + ": source crc32c " + Long.toHexString(srcCrc.get(rel))
              + ", destination " + Long.toHexString(dstCrc.get(rel)));
        }
      }
    }
    return new VerifyReport(dv.size(), snapshots, srcCrc.size(), bytes, rowsCurrent, rowsAll, problems);
  }

  /** @return how the destination's newest version differs from the source's version of that number, or null */
  private String divergence(TreeMap<Integer, FileInfo> dv, TreeMap<Integer, FileInfo> sv, TableMetadata latest) {
    int n = dv.lastKey();
    FileInfo sf = sv.get(n);
    if (sf == null && n < sv.lastKey()) {
      return null; // the source has since removed that name as an old tombstone: nothing left to compare
    }
    if (sf == null) {
      return "it has v" + n + ", the source only up to v" + sv.lastKey();
    }
    List<String> problems = new ArrayList<>();
    compareVersion(n, src.readAll(sf.location()), dst.readAll(dv.get(n).location()), latest.tableUuid(), problems);
    return problems.isEmpty() ? null : problems.get(0);
  }

  private void compareVersion(int n, byte[] source, byte[] replica, String uuid, List<String> problems) {
    boolean srcTomb = VersionTombstone.looksLikeTombstone(source);
    boolean dstTomb = VersionTombstone.looksLikeTombstone(replica);
    if (srcTomb) {
      if (dstTomb && !java.util.Arrays.equals(source, replica)) {
        problems.add("v" + n + ": the tombstones differ");
      }
      return; // a full replica version tombstoned at the source since it was copied is fine
    }
    if (dstTomb) {
      TableMetadata meta = TableMetadataParser.fromJson("v" + n, n, source);
      if (meta.tableUuid().equals(uuid)) {
        problems.add("v" + n + " is a tombstone at the destination but metadata at the source");
      }
      return;
    }
    if (!java.util.Arrays.equals(rewriteJson(source), replica)) {
      problems.add("v" + n + ": the destination's metadata differs from the source's (locations rewritten)");
    }
  }

  private static Long summaryLong(Snapshot s, String key) {
    String v = s.summary().get(key);
    try {
      return v == null ? null : Long.valueOf(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Map<String, Long> liveFiles(StorageBackend storage, Snapshot s, String prefix) {
    Map<String, Long> out = new TreeMap<>();
    for (ManifestFile mf : ManifestListReader.read(storage, s.manifestListLocation())) {
      for (ManifestEntry e : ManifestReader.readAll(storage, mf)) {
        if (e.isLive()) {
          out.put(relative(e.file().location(), prefix), e.file().recordCount());
        }
      }
    }
    return out;
  }

  private static long crc(StorageBackend storage, String location, LongConsumer bytesRead, long[] length) {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = storage.newInputFile(location).newSequentialStream()) {
      int r;
      while ((r = in.read(buf)) > 0) {
        crc.update(buf, 0, r);
        length[0] += r;
        bytesRead.accept(r);
      }
    } catch (IOException e) {
      throw new StorageException("cannot read " + location + " for its checksum: " + e.getMessage(), e);
    }
    return crc.getValue();
  }
}
