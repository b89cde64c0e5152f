package io.datashard.commit;

import io.datashard.CorruptMetadataException;
import io.datashard.TableNotFoundException;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version files of one table location, whatever metadata model reads them: finding the latest version,
 * reading one, publishing the next by exclusive create (resolving unknown outcomes), the advisory hint, and the
 * rule that a version name is never freed ({@link VersionTombstone}). DataShard's own {@link TableOperations}
 * and any other metadata model (an Apache Iceberg catalog, a REST server) commit through this one class, so
 * every writer of a table follows the same protocol. See {@code docs/concurrency.md}.
 *
 * <p>Thread-safe and stateless apart from its configuration.
 */
public final class VersionFiles {
  private static final Logger LOG = LoggerFactory.getLogger(VersionFiles.class);
  private static final int MAX_UNKNOWN_OUTCOME_ATTEMPTS = 5;
  /**
   * Version files at most this long are tombstones already and are not rewritten when a table is dropped: a
   * tombstone is at most about 200 bytes, while the required keys of any table metadata alone take more than this.
   */
  private static final long SMALL_VERSION_FILE = 512;

  private final StorageBackend storage;
  private final String tableName;
  private final String tableLocation;

  private final Object hintLock = new Object();
  /** The highest version this instance hinted. */
  private int hinted;

  /**
   * @param storage where the table lives
   * @param tableName the table's name (for messages)
   * @param tableLocation the table's root location
   */
  public VersionFiles(StorageBackend storage, String tableName, String tableLocation) {
    this.storage = storage;
    this.tableName = tableName;
    this.tableLocation = tableLocation;
  }

  public StorageBackend storage() {
    return storage;
  }

  public String tableName() {
    return tableName;
  }

  public String tableLocation() {
    return tableLocation;
  }

  /** @return {@code <table>/metadata/v<version>.metadata.json} */
  public String file(int version) {
    return MetadataFiles.versionFile(tableLocation, version);
  }

  /**
   * What a search for the latest version found.
   *
   * @param version the highest existing version
   * @param hintStale whether the hint did not name it (and may be rewritten)
   */
  public record Latest(int version, boolean hintStale) {
  }

  /**
   * Finds the highest existing version. Version names are never removed, so every version up to it exists.
   *
   * @param known a version known to exist (a handle's current one), or 0 when none is known
   * @return the latest version, or null when no version exists at all
   */
  public Latest findLatest(int known) {
    int start;
    boolean hintStale = false;
    if (known > 0) {
      if (!storage.exists(file(known + 1))) {
        return new Latest(known, false); // the common case: nothing new, one request
      }
      // Behind: jump to the hint when it is ahead (a handle many versions old would otherwise probe every one).
      int hinted = readHint();
      start = hinted > known + 1 && storage.exists(file(hinted)) ? hinted : known + 1;
    } else {
      int hinted = readHint();
      if (hinted > 0 && storage.exists(file(hinted))) {
        start = hinted;
      } else {
        start = highestListedVersion();
        hintStale = true;
        if (start <= 0) {
          return null;
        }
      }
    }
    int latest = probeForward(start);
    return new Latest(latest, hintStale || latest != start);
  }

  /** @return the highest existing version at or after {@code from}, which must exist */
  public int probeForward(int from) {
    int v = from;
    while (storage.exists(file(v + 1))) {
      v++;
    }
    return v;
  }

  private int readHint() {
    try {
      String text = new String(storage.readAll(MetadataFiles.hintFile(tableLocation)), StandardCharsets.UTF_8).trim();
      return Integer.parseInt(text);
    } catch (FileNotFoundInStorageException e) {
      return -1;
    } catch (NumberFormatException e) {
      LOG.warn("ignoring unreadable {} of table {}", MetadataFiles.VERSION_HINT, tableName);
      return -1;
    }
  }

  private int highestListedVersion() {
    int max = -1;
    for (FileInfo f : storage.list(MetadataFiles.metadataDir(tableLocation))) {
      max = Math.max(max, MetadataFiles.parseVersion(f.location()));
    }
    return max;
  }

  /**
   * The content of one version file: metadata bytes, or a tombstone.
   *
   * @param bytes the file's bytes
   * @param tombstone the tombstone, when the file holds one (then {@code bytes} are its JSON)
   */
  public record Content(byte[] bytes, VersionTombstone tombstone) {
  }

  /**
   * @return the version's content
   * @throws TableNotFoundException when the version file does not exist
   * @throws CorruptMetadataException when it is empty or an unreadable tombstone
   */
  public Content read(int version) {
    String f = file(version);
    byte[] bytes;
    try {
      bytes = storage.readAll(f);
    } catch (FileNotFoundInStorageException e) {
      // Version names are never removed while the table exists: only a drop by hand removes them.
      throw new TableNotFoundException(tableName, tableLocation);
    }
    if (bytes.length == 0) {
      throw new CorruptMetadataException(f, "file is empty");
    }
    return new Content(bytes, VersionTombstone.parse(f, bytes));
  }

  /**
   * The latest version's content, for a refresh.
   *
   * @param version the version it was found at (after stepping over expired tombstones)
   * @param content its content: metadata bytes, or a {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone
   */
  public record Current(int version, Content content) {
    /** @return whether the table was dropped in this version */
    public boolean dropped() {
      return content.tombstone() != null;
    }
  }

  /**
   * Reads the latest version, starting at {@code latest} (from {@link #findLatest}) and probing on past a version
   * that was replaced by an {@link VersionTombstone.Kind#EXPIRED EXPIRED} tombstone while we looked (a newer
   * version then exists).
   */
  public Current readCurrent(int latest) {
    int v = latest;
    for (;;) {
      Content c = read(v);
      if (c.tombstone() != null && c.tombstone().kind() == VersionTombstone.Kind.EXPIRED) {
        int next = probeForward(v);
        if (next == v) {
          // Only ever written after newer versions exist: the table was altered by hand.
          throw new CorruptMetadataException(file(v), "the latest version is an expired tombstone: no version of "
              + "table " + tableName + " holds its metadata");
        }
        v = next;
        continue;
      }
      return new Current(v, c);
    }
  }

  /**
   * Creates a version file exclusively: the commit. When the store cannot say whether the create happened, the
   * file is read back: byte-identical content (which embeds a unique snapshot and commit id) means it is ours.
   *
   * @return true when this call (or an earlier attempt of it) created the file; false when another writer had
   * @throws CommitOutcomeUnknownException when that could not be decided (the caller then looks for its change
   *     in the latest version)
   */
  public boolean create(int version, byte[] content) {
    String f = file(version);
    boolean uncertain = false;
    for (int attempt = 1; ; attempt++) {
      try {
        boolean created = storage.createExclusive(f, content);
        if (created || !uncertain) {
          return created;
        }
        // An earlier attempt of ours had an unknown outcome: the file now present may be that attempt, landed
        // after the read-back found nothing (or after the read-back itself failed). Only its content can tell.
        Boolean ours = readBack(f, content);
        if (ours != null) {
          return ours;
        }
        if (attempt >= MAX_UNKNOWN_OUTCOME_ATTEMPTS) {
          throw new CommitOutcomeUnknownException("cannot tell whether " + f + " was created by this commit: it "
              + "exists but could not be read back", null);
        }
      } catch (CommitOutcomeUnknownException e) {
        uncertain = true;
        LOG.warn("table {}: outcome of creating {} unknown ({}); reading it back", tableName, f, e.getMessage());
        Boolean ours = readBack(f, content);
        if (ours != null) {
          return ours;
        }
        if (attempt >= MAX_UNKNOWN_OUTCOME_ATTEMPTS) {
          throw e;
        }
        // Absent (or unreadable): creating again is safe. It is exclusive, and if the first request lands
        // first, this one fails and the read-back above finds our bytes.
      }
    }
  }

  private Boolean readBack(String file, byte[] json) {
    for (int i = 0; i < MAX_UNKNOWN_OUTCOME_ATTEMPTS; i++) {
      try {
        byte[] existing = storage.readAll(file);
        if (Arrays.equals(existing, json)) {
          return true;
        }
        if (VersionTombstone.looksLikeTombstone(existing)) {
          // Many versions were committed since and this one's metadata is no longer kept: its bytes cannot say
          // whose it was. The caller decides by looking for its change in the latest version.
          throw new CommitOutcomeUnknownException("cannot tell whether " + file + " was created by this commit: "
              + "it has since been replaced by a tombstone", null);
        }
        return false;
      } catch (FileNotFoundInStorageException e) {
        return null;
      } catch (CommitOutcomeUnknownException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("table {}: reading back {} failed ({}); retrying", tableName, file, e.getMessage());
        try {
          Thread.sleep(50L << i);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    return null;
  }

  /** Writes the advisory hint; failures are logged, never raised (readers do not depend on it). */
  public void writeHint(int version) {
    synchronized (hintLock) {
      // Never backwards from this instance: a group commit's leader writes its hint after the next group may have
      // published (and hinted) a newer version.
      if (version < hinted) {
        return;
      }
      writeHintNow(version);
      hinted = version;
    }
  }

  private void writeHintNow(int version) {
    try {
      // No newline: the form DuckDB's and Iceberg's Hadoop readers expect.
      // Advisory, so not forced to disk: a hint lost in a crash only makes readers list metadata/.
      storage.writeAdvisory(MetadataFiles.hintFile(tableLocation),
          Integer.toString(version).getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      LOG.warn("table {}: could not update {} ({}); readers will probe for the latest version",
          tableName, MetadataFiles.VERSION_HINT, e.getMessage());
    }
  }

  /**
   * Replaces version files whose metadata is no longer kept by {@link VersionTombstone.Kind#EXPIRED EXPIRED}
   * tombstones. Never deletes them: a deleted name could be created again by a writer on a stale base. Files
   * that are not version files of this table are ignored. Best effort.
   *
   * @param files version file locations (as recorded in a metadata log)
   */
  public void retire(Collection<String> files) {
    for (String f : files) {
      int n = MetadataFiles.parseVersion(f);
      if (n <= 0 || !f.equals(file(n))) {
        continue; // not one of this table's version files: never touched
      }
      try {
        storage.writeAll(f, VersionTombstone.expired(n).toJson());
      } catch (RuntimeException ex) {
        LOG.warn("table {}: could not replace old metadata file {} by a tombstone ({})", tableName, f,
            ex.getMessage());
      }
    }
  }

  /**
   * Publishes a {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone as version {@code version}, then deletes
   * every other file under the table location and replaces every full version file by a tombstone. The version
   * names stay.
   *
   * @param version the version after the latest one the caller saw
   * @param tableUuid the uuid of the table being dropped
   * @return false when another writer created that version first (nothing was deleted: refresh and decide again)
   */
  public boolean drop(int version, String tableUuid) {
    byte[] marker = VersionTombstone.dropped(version, tableUuid).toJson();
    if (!create(version, marker)) {
      return false;
    }
    writeHint(version);
    String metadataDir = MetadataFiles.metadataDir(tableLocation) + "/";
    for (FileInfo f : storage.list(tableLocation)) {
      String loc = f.location();
      int n = MetadataFiles.parseVersion(loc);
      boolean inMetadataDir = loc.startsWith(metadataDir) && loc.indexOf('/', metadataDir.length()) < 0;
      if (inMetadataDir && n > 0) {
        if (n != version && f.size() > SMALL_VERSION_FILE) {
          storage.writeAll(loc, VersionTombstone.expired(n).toJson());
        }
      } else if (!(inMetadataDir && loc.endsWith("/" + MetadataFiles.VERSION_HINT))) {
        storage.delete(loc);
      }
    }
    return true;
  }
}
