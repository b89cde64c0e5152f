package io.datashard.commit;

import io.datashard.CorruptMetadataException;
import io.datashard.TableNotFoundException;
import io.datashard.metadata.TableMetadata;
import io.datashard.metadata.TableMetadataParser;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.StorageBackend;

/**
 * The file-system {@link TableOperations}, the default: finds and publishes versions of one table's metadata
 * directly in storage, the storage half of the commit protocol ({@code docs/concurrency.md}).
 *
 * <p>Refresh reads the advisory {@code version-hint.text} (falling back to listing {@code metadata/} when it is
 * missing or unreadable), then probes {@code v<N+1>}, {@code v<N+2>}... until one is absent; the highest existing
 * version is current. A commit is the exclusive creation of {@code v<N+1>.metadata.json}: nothing else.
 *
 * <p><b>No version is published twice.</b> A version name is not free again while any writer could still create
 * it: versions that fall out of the kept history are overwritten in place by a {@link VersionTombstone} (an atomic
 * replace, so the name is occupied at every instant), dropping a table publishes a
 * {@link VersionTombstone.Kind#DROPPED DROPPED} tombstone as its last version, and an old tombstone is removed only
 * long after any writer may still publish on the version before it ({@link VersionFiles#create},
 * {@link VersionFiles#removeTombstones}). So a writer on any stale base finds its target taken and rebuilds on the
 * latest version, and every version is built on the one before it. See {@code docs/concurrency.md}.
 *
 * <p>Everything about version names (finding, reading, creating, tombstones) lives in {@link VersionFiles};
 * this class adds DataShard's metadata model on top.
 *
 * <p>Thread-safe: handles may be shared; correctness never depends on in-process locking.
 */
public final class FileTableOperations implements TableOperations {
  private final VersionFiles versions;
  private volatile TableMetadata current;
  /** Per thread: where a commit puts its hint and tombstone writes instead of doing them ({@link #deferringHousekeeping}). */
  private final ThreadLocal<java.util.List<Runnable>> deferredHousekeeping = new ThreadLocal<>();

  /**
   * @param storage where the table lives
   * @param tableName the table's name (for messages)
   * @param tableLocation the table's root location
   */
  public FileTableOperations(StorageBackend storage, String tableName, String tableLocation) {
    this(new VersionFiles(storage, tableName, tableLocation));
  }

  /** @param versions the table's version files (with their timing) */
  public FileTableOperations(VersionFiles versions) {
    this.versions = versions;
  }

  /** @return a new handle on the same table with the same timing, which has seen nothing yet */
  public FileTableOperations reopen() {
    return new FileTableOperations(new VersionFiles(storage(), tableName(), tableLocation(), versions.baseMaxAge()));
  }

  @Override
  public StorageBackend storage() {
    return versions.storage();
  }

  @Override
  public String tableName() {
    return versions.tableName();
  }

  @Override
  public String tableLocation() {
    return versions.tableLocation();
  }

  /** @return the table's version files */
  public VersionFiles versionFiles() {
    return versions;
  }

  /** @return the metadata last seen by this handle, loading it on first use */
  @Override
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
  @Override
  public synchronized TableMetadata refresh() {
    TableMetadata known = current;
    VersionFiles.Latest found = versions.findLatest(known == null ? 0 : known.version());
    if (found == null) {
      throw new TableNotFoundException(tableName(), tableLocation());
    }
    if (known != null && found.version() == known.version() && found.confirmed()) {
      return known;
    }
    VersionFiles.Current cur = versions.readCurrent(found.version());
    if (cur.dropped()) {
      throw dropped(known);
    }
    int latest = cur.version();
    TableMetadata loaded = TableMetadataParser.fromJson(versions.file(latest), latest, cur.content().bytes());
    if (known != null && !known.tableUuid().equals(loaded.tableUuid())) {
      throw new TableNotFoundException(tableName(), tableLocation(), "table '" + tableName() + "' was dropped "
          + "and created again since this handle loaded it (table uuid " + known.tableUuid() + ", now "
          + loaded.tableUuid() + "); load it again to use the new table");
    }
    current = loaded;
    if (known == null && (found.hintStale() || latest != found.version())) {
      versions.writeHint(latest); // heal a missing, garbage or stale hint
    }
    return loaded;
  }

  private TableNotFoundException dropped(TableMetadata known) {
    // `current` stays: a handle that knew the dropped table must never move on to a table created in its place.
    return new TableNotFoundException(tableName(), tableLocation(), "table '" + tableName() + "' was dropped"
        + (known != null ? " after this handle loaded it" : "") + " (" + tableLocation() + ")");
  }

  /**
   * Loads a version; errors name the file.
   *
   * @throws TableNotFoundException when the version file does not exist
   * @throws CorruptMetadataException when it holds a tombstone (its metadata is no longer kept) or is unreadable
   */
  public TableMetadata load(int version) {
    VersionFiles.Content content = versions.read(version);
    if (content.tombstone() != null) {
      throw new CorruptMetadataException(versions.file(version), "version " + version + " is no longer kept ("
          + content.tombstone().kind().name().toLowerCase(java.util.Locale.ROOT) + " tombstone)");
    }
    return TableMetadataParser.fromJson(versions.file(version), version, content.bytes());
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
  @Override
  public TableMetadata commit(TableMetadata base, TableMetadata updated) {
    int version = base.version() + 1; // whatever chain of changes built `updated`, it publishes as the next version
    if (!versions.create(version, TableMetadataParser.toJson(updated))) {
      return null;
    }
    TableMetadata committed = updated.withFile(versions.file(version), version);
    current = committed;
    // Versions that fell out of the bounded metadata log become tombstones (never deleted).
    java.util.Set<String> dropped =
        committed.booleanProperty(io.datashard.TableProperties.METADATA_DELETE_AFTER_COMMIT, false)
            ? fallenOutOfLog(base, committed) : java.util.Set.of();
    Runnable housekeeping = () -> {
      versions.writeHint(version);
      versions.retire(dropped);
    };
    java.util.List<Runnable> deferred = deferredHousekeeping.get();
    if (deferred != null) {
      deferred.add(housekeeping);
    } else {
      housekeeping.run();
    }
    return committed;
  }

  /**
   * @param base the version a commit was built on
   * @param committed the version it published
   * @return the version files the commit pushed out of the metadata log ({@link MetadataFiles#fallenOutOfLog})
   */
  public static java.util.Set<String> fallenOutOfLog(TableMetadata base, TableMetadata committed) {
    return MetadataFiles.fallenOutOfLog(base.metadataFileLocation(), logFiles(base), committed.metadataFileLocation(),
        logFiles(committed));
  }

  private static java.util.List<String> logFiles(TableMetadata m) {
    return m.metadataLog().stream().map(io.datashard.metadata.MetadataLogEntry::file).toList();
  }

  /**
   * Runs {@code commits} on the calling thread with the housekeeping of each successful commit (the advisory hint,
   * the tombstones of versions that fell out of the metadata log) held back, and returns that housekeeping for the
   * caller to run once it no longer holds others up: a group commit acknowledges its callers and lets the next group
   * publish first. Neither is needed for correctness (a reader finds versions past a stale hint; a version not yet
   * a tombstone is only bytes); both must still run, or the hint goes stale and old versions stay whole.
   *
   * @param commits the work that commits through this handle
   * @param <T> its result
   * @return its result and the held-back housekeeping (possibly empty)
   */
  public <T> Deferred<T> deferringHousekeeping(java.util.function.Supplier<T> commits) {
    java.util.List<Runnable> held = new java.util.ArrayList<>();
    java.util.List<Runnable> outer = deferredHousekeeping.get();
    deferredHousekeeping.set(held);
    try {
      return new Deferred<>(commits.get(), held);
    } catch (RuntimeException | Error e) {
      held.forEach(Runnable::run); // whatever did commit before the failure is housekept now
      throw e;
    } finally {
      if (outer == null) {
        deferredHousekeeping.remove();
      } else {
        deferredHousekeeping.set(outer);
      }
    }
  }

  /**
   * What {@link #deferringHousekeeping} returns.
   *
   * @param result the commits' result
   * @param housekeeping what they held back, to run in order
   * @param <T> the result's type
   */
  public record Deferred<T>(T result, java.util.List<Runnable> housekeeping) {
    /** Runs the held-back housekeeping (each step logs its own failures and never throws). */
    public void runHousekeeping() {
      housekeeping.forEach(Runnable::run);
    }
  }

  /** Writes the advisory hint; failures are logged, never raised (readers do not depend on it). */
  public void writeHint(int version) {
    versions.writeHint(version);
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
      if (versions.create(version, json)) {
        TableMetadata committed = initial.withFile(versions.file(version), version);
        current = committed;
        versions.writeHint(version);
        return committed;
      }
      // Taken: a live table, or the versions of a dropped one (then continue after its last version).
      VersionFiles.Current cur = versions.readCurrent(versions.findLatest(version).version());
      if (!cur.dropped()) {
        return null;
      }
      version = cur.version() + 1;
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
    for (;;) {
      TableMetadata base;
      try {
        base = refresh();
      } catch (TableNotFoundException e) {
        return false; // none, or dropped by someone else meanwhile
      }
      if (versions.drop(base.version() + 1, base.tableUuid())) {
        // `current` stays on the dropped table: this handle's refresh now says it was dropped.
        return true;
      }
    }
  }
}
