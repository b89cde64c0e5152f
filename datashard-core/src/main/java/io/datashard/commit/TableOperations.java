package io.datashard.commit;

import io.datashard.CorruptMetadataException;
import io.datashard.TableNotFoundException;
import io.datashard.metadata.TableMetadata;
import io.datashard.metadata.TableMetadataParser;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and publishes versions of one table's metadata: the storage half of the commit protocol
 * ({@code docs/concurrency.md}).
 *
 * <p>Refresh reads the advisory {@code version-hint.text} (falling back to listing {@code metadata/} when it is
 * missing or unreadable), then probes {@code v<N+1>}, {@code v<N+2>}... until one is absent; the highest existing
 * version is current. A commit is the exclusive creation of {@code v<N+1>.metadata.json}: nothing else.
 *
 * <p><b>No version is published twice.</b> A version name, once created, never becomes absent again: versions
 * that fall out of the kept history are overwritten in place by a {@link VersionTombstone} (an atomic replace,
 * so the name is occupied at every instant), never deleted, and dropping a table publishes a
 * {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone as its last version. So the versions of a location are
 * always exactly {@code v1..vL}, a writer on any stale base finds its target taken and rebuilds on the latest
 * version, and every version is built on the one before it. See {@code docs/concurrency.md}.
 *
 * <p>Thread-safe: handles may be shared; correctness never depends on in-process locking.
 */
public final class TableOperations {
  private static final Logger LOG = LoggerFactory.getLogger(TableOperations.class);
  private static final int MAX_UNKNOWN_OUTCOME_ATTEMPTS = 5;
  /**
   * Version files at most this long are tombstones already and are not rewritten when a table is dropped: a
   * tombstone is about 300 bytes, while the required keys of any table metadata alone take more than this.
   */
  private static final long SMALL_VERSION_FILE = 512;

  private final StorageBackend storage;
  private final String tableName;
  private final String tableLocation;
  private volatile TableMetadata current;

  /**
   * @param storage where the table lives
   * @param tableName the table's name (for messages)
   * @param tableLocation the table's root location
   */
  public TableOperations(StorageBackend storage, String tableName, String tableLocation) {
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

  /** @return the metadata last seen by this handle, loading it on first use */
  public TableMetadata current() {
    TableMetadata m = current;
    return m != null ? m : refresh();
  }

  /**
   * Finds the latest committed version and loads it.
   *
   * @return the current metadata
   * @throws TableNotFoundException when the table has no committed version, was dropped, or (for a handle that
   *     had loaded it) was dropped and created again since: a handle never moves from one table to another
   */
  public synchronized TableMetadata refresh() {
    TableMetadata known = current;
    boolean hintStale = false;
    int start;
    if (known != null) {
      start = known.version();
      if (!storage.exists(MetadataFiles.versionFile(tableLocation, start + 1))) {
        return known; // the common case: nothing new, one request
      }
      // Behind: jump to the hint when it is ahead (a handle many versions old would otherwise probe every one).
      int hinted = readHint();
      start = hinted > start + 1 && storage.exists(MetadataFiles.versionFile(tableLocation, hinted)) ? hinted
          : start + 1;
    } else {
      int hinted = readHint();
      if (hinted > 0 && storage.exists(MetadataFiles.versionFile(tableLocation, hinted))) {
        start = hinted;
      } else {
        start = highestListedVersion();
        hintStale = true;
        if (start <= 0) {
          throw new TableNotFoundException(tableName, tableLocation);
        }
      }
    }
    for (;;) {
      int latest = probeForward(start);
      if (latest != start) {
        hintStale = true;
      }
      Object read = readVersion(latest);
      if (read instanceof VersionTombstone t) {
        if (t.kind() == VersionTombstone.Kind.DROPPED) {
          throw dropped(known);
        }
        start = latest; // expired while we looked: a newer version exists
        continue;
      }
      TableMetadata loaded = (TableMetadata) read;
      if (known != null && !known.tableUuid().equals(loaded.tableUuid())) {
        throw new TableNotFoundException(tableName, tableLocation, "table '" + tableName + "' was dropped and "
            + "created again since this handle loaded it (table uuid " + known.tableUuid() + ", now "
            + loaded.tableUuid() + "); load it again to use the new table");
      }
      current = loaded;
      if (hintStale && known == null) {
        writeHint(latest); // heal a missing, garbage or stale hint
      }
      return loaded;
    }
  }

  private TableNotFoundException dropped(TableMetadata known) {
    // `current` stays: a handle that knew the dropped table must never move on to a table created in its place.
    return new TableNotFoundException(tableName, tableLocation, "table '" + tableName + "' was dropped"
        + (known != null ? " after this handle loaded it" : "") + " (" + tableLocation + ")");
  }

  private int probeForward(int from) {
    int v = from;
    while (storage.exists(MetadataFiles.versionFile(tableLocation, v + 1))) {
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
   * Loads a version; errors name the file.
   *
   * @throws TableNotFoundException when the version file does not exist
   * @throws CorruptMetadataException when it holds a tombstone (its metadata is no longer kept) or is unreadable
   */
  public TableMetadata load(int version) {
    Object read = readVersion(version);
    if (read instanceof VersionTombstone t) {
      throw new CorruptMetadataException(MetadataFiles.versionFile(tableLocation, version), "version " + version
          + " is no longer kept (" + t.kind().name().toLowerCase(java.util.Locale.ROOT) + " tombstone)");
    }
    return (TableMetadata) read;
  }

  /** @return the {@link TableMetadata} or the {@link VersionTombstone} stored as that version */
  private Object readVersion(int version) {
    String file = MetadataFiles.versionFile(tableLocation, version);
    byte[] bytes;
    try {
      bytes = storage.readAll(file);
    } catch (FileNotFoundInStorageException e) {
      // Version names are never removed while the table exists: only a drop (or a hand) removes them.
      throw new TableNotFoundException(tableName, tableLocation);
    }
    if (bytes.length == 0) {
      throw new CorruptMetadataException(file, "file is empty");
    }
    VersionTombstone tombstone = VersionTombstone.parse(file, bytes);
    if (tombstone != null) {
      return tombstone;
    }
    return TableMetadataParser.fromJson(file, version, bytes);
  }

  /**
   * Tries to publish {@code updated} as the version after {@code base}.
   *
   * @param base the version the change was built on
   * @param updated the new metadata (its version must be base.version() + 1)
   * @return the committed metadata, or null when another writer committed that version first
   * @throws CommitOutcomeUnknownException when the store could not say whether the version was created and
   *     reading it back could not decide; the caller resolves it by looking for its change in the latest version
   */
  public TableMetadata commit(TableMetadata base, TableMetadata updated) {
    int version = base.version() + 1; // whatever chain of changes built `updated`, it publishes as the next version
    String file = MetadataFiles.versionFile(tableLocation, version);
    byte[] json = TableMetadataParser.toJson(updated);
    boolean created = createResolvingUnknownOutcome(file, json);
    if (!created) {
      LOG.debug("table {}: version {} was committed by another writer", tableName, version);
      return null;
    }
    TableMetadata committed = updated.withFile(file, version);
    current = committed;
    writeHint(version);
    tombstoneDroppedVersions(base, committed);
    return committed;
  }

  /**
   * With {@code write.metadata.delete-after-commit.enabled}, replaces the version files that fell out of the
   * bounded metadata log ({@code write.metadata.previous-versions-max}) by tombstones. Never deletes them: a
   * deleted name could be created again by a writer on a stale base. Best effort.
   */
  private void tombstoneDroppedVersions(TableMetadata base, TableMetadata committed) {
    if (!Boolean.parseBoolean(committed.properties().getOrDefault(
        io.datashard.TableProperties.METADATA_DELETE_AFTER_COMMIT, "false"))) {
      return;
    }
    java.util.Set<String> kept = new java.util.HashSet<>();
    committed.metadataLog().forEach(e -> kept.add(e.file()));
    kept.add(committed.metadataFileLocation());
    for (io.datashard.metadata.MetadataLogEntry e : base.metadataLog()) {
      String f = e.file();
      int n = MetadataFiles.parseVersion(f);
      if (kept.contains(f) || n <= 0 || !f.equals(MetadataFiles.versionFile(tableLocation, n))) {
        continue; // not one of this table's version files: never touched
      }
      try {
        storage.writeAll(f, new VersionTombstone(VersionTombstone.Kind.EXPIRED, n, committed.tableUuid(),
            System.currentTimeMillis()).toJson());
      } catch (RuntimeException ex) {
        LOG.warn("table {}: could not replace old metadata file {} by a tombstone ({})", tableName, f,
            ex.getMessage());
      }
    }
  }

  /**
   * Creates the version file exclusively. When the store cannot say whether the create happened, the file is
   * read back: byte-identical content (which embeds a unique snapshot and commit id) means it is ours.
   */
  private boolean createResolvingUnknownOutcome(String file, byte[] json) {
    boolean uncertain = false;
    for (int attempt = 1; ; attempt++) {
      try {
        boolean created = storage.createExclusive(file, json);
        if (created || !uncertain) {
          return created;
        }
        // An earlier attempt of ours had an unknown outcome: the file now present may be that attempt, landed
        // after the read-back found nothing (or after the read-back itself failed). Only its content can tell.
        Boolean ours = readBack(file, json);
        if (ours != null) {
          return ours;
        }
        if (attempt >= MAX_UNKNOWN_OUTCOME_ATTEMPTS) {
          throw new CommitOutcomeUnknownException("cannot tell whether " + file + " was created by this commit: it "
              + "exists but could not be read back", null);
        }
      } catch (CommitOutcomeUnknownException e) {
        uncertain = true;
        LOG.warn("table {}: outcome of creating {} unknown ({}); reading it back", tableName, file, e.getMessage());
        Boolean ours = readBack(file, json);
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
   * Creates a new table: version 1, or, where a dropped table of that name left its version names behind, the
   * version after its {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone (numbering never restarts at a
   * location, so no writer still holding a handle on the dropped table can publish into the new one).
   *
   * @return the committed metadata, or null when a table already exists there
   */
  public synchronized TableMetadata create(TableMetadata initial) {
    byte[] json = TableMetadataParser.toJson(initial);
    int version = 1;
    for (;;) {
      String file = MetadataFiles.versionFile(tableLocation, version);
      if (createResolvingUnknownOutcome(file, json)) {
        TableMetadata committed = initial.withFile(file, version);
        current = committed;
        writeHint(version);
        return committed;
      }
      // Taken: a live table, or the versions of a dropped one (then continue after its last version).
      int hinted = readHint();
      int from = hinted > version && storage.exists(MetadataFiles.versionFile(tableLocation, hinted)) ? hinted
          : version;
      int latest = probeForward(from);
      Object read = readVersion(latest);
      if (read instanceof TableMetadata) {
        return null;
      }
      if (((VersionTombstone) read).kind() == VersionTombstone.Kind.DROPPED) {
        version = latest + 1;
      } else {
        version = latest; // expired while we looked: probe on from there
      }
    }
  }

  /**
   * @return whether a table exists here: some version exists and the latest is not a
   *     {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone
   */
  public boolean exists() {
    try {
      refresh(); // throws for a missing or dropped table
      return true;
    } catch (TableNotFoundException e) {
      return false;
    }
  }

  /**
   * Drops the table: publishes a {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone as the next version
   * (an ordinary exclusive create, so it is ordered with every concurrent commit: a writer that committed first
   * is simply part of the dropped table, a writer that comes later finds the table dropped), then deletes every
   * data file, manifest, manifest list and other file of the table and replaces every version file by a small
   * tombstone. The version names stay: see {@link VersionTombstone}.
   *
   * @return true when this call dropped the table; false when there was no table (or another call dropped it)
   */
  public boolean drop() {
    TableMetadata base;
    try {
      base = refresh();
    } catch (TableNotFoundException e) {
      return false;
    }
    int droppedAt;
    for (;;) {
      droppedAt = base.version() + 1;
      byte[] marker = new VersionTombstone(VersionTombstone.Kind.DROPPED, droppedAt, base.tableUuid(),
          System.currentTimeMillis()).toJson();
      if (createResolvingUnknownOutcome(MetadataFiles.versionFile(tableLocation, droppedAt), marker)) {
        break;
      }
      try {
        base = refresh();
      } catch (TableNotFoundException e) {
        return false; // dropped by someone else meanwhile
      }
    }
    writeHint(droppedAt); // `current` stays on the dropped table: this handle's refresh now says it was dropped
    String uuid = base.tableUuid();
    String metadataDir = MetadataFiles.metadataDir(tableLocation) + "/";
    for (FileInfo f : storage.list(tableLocation)) {
      String loc = f.location();
      int n = MetadataFiles.parseVersion(loc);
      boolean inMetadataDir = loc.startsWith(metadataDir) && loc.indexOf('/', metadataDir.length()) < 0;
      if (inMetadataDir && n > 0) {
        if (n != droppedAt && f.size() > SMALL_VERSION_FILE) {
          storage.writeAll(loc, new VersionTombstone(VersionTombstone.Kind.EXPIRED, n, uuid,
              System.currentTimeMillis()).toJson());
        }
      } else if (!(inMetadataDir && loc.endsWith("/" + MetadataFiles.VERSION_HINT))) {
        storage.delete(loc);
      }
    }
    return true;
  }
}
