package io.datashard.maintenance;

import io.datashard.DataShardException;
import io.datashard.RemoveOrphanFiles;
import io.datashard.ValidationException;
import io.datashard.Snapshot;
import io.datashard.commit.MetadataFiles;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.manifest.TableFiles;
import io.datashard.storage.FileInfo;
import io.datashard.storage.StorageBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation of {@link RemoveOrphanFiles} (the contract and its safety rules are documented there).
 */
public final class OrphanFileRemoval implements RemoveOrphanFiles {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanFileRemoval.class);

  private final TableOperations ops;
  private final TableFiles files;
  private Duration olderThan = DEFAULT_GRACE;
  private Instant olderThanInstant;
  private boolean dryRun;

  /**
   * @param ops the table's operations
   * @param files the table's file layout
   */
  public OrphanFileRemoval(TableOperations ops, TableFiles files) {
    this.ops = Objects.requireNonNull(ops, "ops");
    this.files = Objects.requireNonNull(files, "files");
  }

  /**
   * Only files last modified more than {@code age} ago are deleted.
   *
   * @param age the grace period, zero or positive
   * @return this
   */
  @Override
  public RemoveOrphanFiles olderThan(Duration age) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new ValidationException("grace period must not be negative: " + age);
    }
    this.olderThan = age;
    this.olderThanInstant = null;
    return this;
  }

  /**
   * Only files last modified before {@code time} are deleted.
   *
   * @param time the cut-off
   * @return this
   */
  @Override
  public RemoveOrphanFiles olderThan(Instant time) {
    this.olderThanInstant = Objects.requireNonNull(time, "time");
    return this;
  }

  /**
   * @param dryRun when true, list what would be deleted and delete nothing
   * @return this
   */
  @Override
  public RemoveOrphanFiles dryRun(boolean dryRun) {
    this.dryRun = dryRun;
    return this;
  }

  /**
   * Finds the orphan files and (unless a dry run) deletes them.
   *
   * @return what was (or would be) deleted
   * @throws DataShardException when the metadata cannot be read completely; nothing is deleted then
   */
  @Override
  public Result execute() {
    StorageBackend storage = files.storage();
    String tableLocation = ops.tableLocation();
    String prefix = normalize(tableLocation) + "/";
    long cutoff = olderThanInstant != null ? olderThanInstant.toEpochMilli()
        : System.currentTimeMillis() - olderThan.toMillis();

    TableMetadata metadata = ops.refresh();
    // List after loading: anything committed before the listing is either in this metadata or younger than
    // the cut-off or caught by the re-check below.
    List<FileInfo> listed = new ArrayList<>();
    for (FileInfo f : storage.list(tableLocation)) {
      if (normalize(f.location()).startsWith(prefix)) {
        listed.add(f);
      }
    }
    Set<String> processedSnapshots = new HashSet<>();
    Set<String> referenced = new HashSet<>();
    collectReferences(metadata, processedSnapshots, referenced);

    List<FileInfo> candidates = new ArrayList<>();
    int tooNew = 0;
    for (FileInfo f : listed) {
      String loc = normalize(f.location());
      if (referenced.contains(loc) || isVersionOrHint(loc, prefix)) {
        continue;
      }
      if (f.lastModifiedMillis() >= cutoff) {
        tooNew++;
        continue;
      }
      candidates.add(f);
    }
    checkSpellings(referenced, listed, prefix);

    List<String> orphans = new ArrayList<>();
    long bytes = 0;
    if (!candidates.isEmpty()) {
      // A writer may have committed since: its files are referenced now.
      TableMetadata latest = ops.refresh();
      if (latest.version() != metadata.version()) {
        collectReferences(latest, processedSnapshots, referenced);
      }
      for (FileInfo f : candidates) {
        if (referenced.contains(normalize(f.location()))) {
          continue;
        }
        if (!dryRun) {
          storage.delete(f.location());
          LOG.debug("table {}: deleted orphan file {} ({} bytes)", ops.tableName(), f.location(), f.size());
        }
        orphans.add(f.location());
        bytes += f.size();
      }
    }
    LOG.info("table {}: {} {} orphan files ({} bytes) of {} listed; {} referenced, {} unreferenced but newer than"
        + " the grace period", ops.tableName(), dryRun ? "found" : "deleted", orphans.size(), bytes, listed.size(),
        referenced.size(), tooNew);
    return new Result(List.copyOf(orphans), bytes, dryRun, listed.size(), tooNew);
  }

  private void collectReferences(TableMetadata metadata, Set<String> processedSnapshots, Set<String> referenced) {
    // Statistics files other engines registered (Puffin, partition statistics) are the table's too.
    metadata.statisticsFiles().forEach(f -> referenced.add(normalize(f.path())));
    metadata.partitionStatisticsFiles().forEach(f -> referenced.add(normalize(f.path())));
    Set<String> manifestsSeen = new HashSet<>();
    for (Snapshot s : metadata.snapshots()) {
      String list = s.manifestListLocation();
      if (list == null || !processedSnapshots.add(list)) {
        continue;
      }
      referenced.add(normalize(list));
      for (ManifestFile m : files.manifests(list)) {
        if (!manifestsSeen.add(m.location()) || referenced.contains(normalize(m.location()))) {
          continue; // manifests are immutable: one already read adds nothing new
        }
        referenced.add(normalize(m.location()));
        for (ManifestEntry e : files.entries(m)) {
          referenced.add(normalize(e.file().location()));
        }
      }
    }
  }

  /** Every committed version file and the hint are kept, whichever metadata is current. */
  private static boolean isVersionOrHint(String location, String prefix) {
    String metadataDir = prefix + "metadata/";
    if (!location.startsWith(metadataDir) || location.indexOf('/', metadataDir.length()) >= 0) {
      return false;
    }
    // Every table-metadata file too, whatever its naming: a catalog (REST) names its versions its own way
    // ({@code 00001-<uuid>.metadata.json}) and keeps them; they are never ours to delete.
    return MetadataFiles.parseVersion(location) > 0 || location.endsWith("/" + MetadataFiles.VERSION_HINT)
        || location.endsWith(".metadata.json") || location.endsWith(".metadata.json.gz");
  }

  /**
   * Refuses to go on when a referenced file seems to be listed under another spelling of its location: the
   * comparison by location would then call a live file an orphan.
   */
  private static void checkSpellings(Set<String> referenced, List<FileInfo> listed, String prefix) {
    Map<String, String> byRelative = new HashMap<>();
    for (FileInfo f : listed) {
      String loc = normalize(f.location());
      byRelative.put(loc.substring(prefix.length()), loc);
    }
    Set<String> listedSet = new HashSet<>(byRelative.values());
    for (String ref : referenced) {
      if (listedSet.contains(ref)) {
        continue;
      }
      // Is some suffix of the reference listed (relative to the table)? Then the two spell one file differently.
      for (int slash = ref.indexOf('/'); slash >= 0; slash = ref.indexOf('/', slash + 1)) {
        String listedAs = byRelative.get(ref.substring(slash + 1));
        if (listedAs != null && !ref.startsWith(prefix) && ref.contains("/metadata/") == listedAs.contains("/metadata/")) {
          throw new DataShardException("refusing to remove orphan files: the table references " + ref
              + " but storage lists it as " + listedAs + " (the locations differ in form)");
        }
      }
    }
  }

  /** Compares locations by one spelling: {@code file:///x} as {@code file:/x}, {@code s3a://} as {@code s3://}. */
  static String normalize(String location) {
    String s = location;
    if (s.startsWith("file:///")) {
      s = "file:/" + s.substring("file:///".length());
    } else if (s.startsWith("file://localhost/")) {
      s = "file:/" + s.substring("file://localhost/".length());
    } else if (s.startsWith("s3a://") || s.startsWith("s3n://")) {
      s = "s3://" + s.substring(6);
    }
    return s;
  }
}
