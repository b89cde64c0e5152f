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
 * reading one, publishing the next by exclusive create (resolving unknown outcomes), the advisory hint, the rule
 * that a version name is not freed while any writer could still create it ({@link VersionTombstone},
 * {@link #removeTombstones}) and the time bound on writers that makes freeing old names safe ({@link #create}).
 * DataShard's own {@link TableOperations} and any other metadata model (an Apache Iceberg catalog, a REST server)
 * commit through this one class, so every writer of a table follows the same protocol. See
 * {@code docs/concurrency.md}.
 *
 * <p>Thread-safe. Apart from its configuration it remembers only the highest version it saw as metadata and when,
 * and the highest version it hinted.
 */
public final class VersionFiles {
  private static final Logger LOG = LoggerFactory.getLogger(VersionFiles.class);
  private static final int MAX_UNKNOWN_OUTCOME_ATTEMPTS = 5;
  /**
   * Version files at most this long are tombstones already and are not rewritten when a table is dropped: a
   * tombstone is at most about 200 bytes, while the required keys of any table metadata alone take more than this.
   */
  private static final long SMALL_VERSION_FILE = 512;

  /**
   * How long a sighting of a version as table metadata lets this instance publish the next version without looking
   * again: {@value #BASE_MAX_AGE_MS} ms. Removing a tombstone waits for at least twice this plus the storage's longest
   * call ({@link #minimumRemovalAge}), which is what makes a removed name safe: see {@code docs/concurrency.md},
   * "Removing old tombstones".
   */
  public static final long BASE_MAX_AGE_MS = 30_000;
  /** {@link #BASE_MAX_AGE_MS} as a duration. */
  public static final java.time.Duration DEFAULT_BASE_MAX_AGE = java.time.Duration.ofMillis(BASE_MAX_AGE_MS);
  /** The size of an {@link VersionTombstone.Kind#EXPIRED EXPIRED} tombstone as written since 2026-12-04. */
  private static final int EXPIRED_TOMBSTONE_SIZE = VersionTombstone.expired(1).toJson().length;

  private final StorageBackend storage;
  private final String tableName;
  private final String tableLocation;
  private final long baseMaxAgeNanos;

  private final Object hintLock = new Object();
  /** The highest version this instance hinted. */
  private int hinted;

  private final Object sightingLock = new Object();
  /** The highest version this instance saw as metadata (or as a dropped table's last version); 0: none, -1: unknown. */
  private int seenVersion = -1;
  /** A moment at or before which {@link #seenVersion} was seen so ({@link System#nanoTime}). */
  private long seenAtNanos;

  /**
   * @param storage where the table lives
   * @param tableName the table's name (for messages)
   * @param tableLocation the table's root location
   */
  public VersionFiles(StorageBackend storage, String tableName, String tableLocation) {
    this(storage, tableName, tableLocation, DEFAULT_BASE_MAX_AGE);
  }

  /**
   * For tests of the protocol's timing (and embedders that know every writer of their tables): a different
   * {@link #BASE_MAX_AGE_MS}. Removal waits for twice this instance's base age plus the storage's longest call
   * ({@link #minimumRemovalAge}), so every writer of a table must use at most the remover's base age.
   *
   * @param storage where the table lives
   * @param tableName the table's name (for messages)
   * @param tableLocation the table's root location
   * @param baseMaxAge how long a sighting of a version lets this instance publish the next one without looking again
   */
  public VersionFiles(StorageBackend storage, String tableName, String tableLocation, java.time.Duration baseMaxAge) {
    this.storage = storage;
    this.tableName = tableName;
    this.tableLocation = tableLocation;
    this.baseMaxAgeNanos = baseMaxAge.toNanos();
  }

  /** @return how long a sighting of a version lets this instance publish the next one without looking again */
  public java.time.Duration baseMaxAge() {
    return java.time.Duration.ofNanos(baseMaxAgeNanos);
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
   * @param confirmed whether it is certainly the latest; when false, {@link #readCurrent} confirms it (and may move
   *     on): the name after it was absent, but a name after an old version may be absent because its tombstone was
   *     removed
   */
  public record Latest(int version, boolean hintStale, boolean confirmed) {
  }

  /**
   * Finds the highest existing version. Names below it may be absent once their tombstones were removed
   * ({@link #removeTombstones}); names from a version this instance saw as metadata recently up to the latest are
   * all present.
   *
   * @param known a version known to exist (a handle's current one), or 0 when none is known
   * @return the latest version, or null when no version exists at all
   */
  public Latest findLatest(int known) {
    int start;
    boolean hintStale = false;
    if (known > 0) {
      long asked = System.nanoTime();
      boolean recent = seenRecently(known);
      if (!storage.exists(file(known + 1))) {
        if (recent) {
          // The common case: nothing new, one request. `known` was metadata within the base age, so the name after
          // it cannot have been created and removed since (docs/concurrency.md, "Removing old tombstones"); it is
          // still the latest, so still metadata now.
          seen(known, asked);
          return new Latest(known, false, true);
        }
        return new Latest(known, false, false); // long unseen: the name after it may be a removed one
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
    return new Latest(latest, hintStale || latest != start, false);
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
    /**
     * @return whether it is an {@link VersionTombstone.Kind#EXPIRED EXPIRED} tombstone: newer versions exist, and the
     *     absence of the name after it proves nothing (it may have been removed). Metadata and a dropped table's last
     *     version are only ever written by exclusive create.
     */
    public boolean expiredTombstone() {
      return tombstone != null && tombstone.kind() == VersionTombstone.Kind.EXPIRED;
    }
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
      // Never created, removed by hand, or an old tombstone that was removed.
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
   * Reads the latest version, starting at {@code latest} (from {@link #findLatest}). Moves on past a version that was
   * replaced by an {@link VersionTombstone.Kind#EXPIRED EXPIRED} tombstone while we looked (a newer version then
   * exists), and lists {@code metadata/} when the names after a version are absent but it is not the latest: an
   * expired tombstone with nothing after it, or a name gone meanwhile, means the names after it were old tombstones
   * and were removed ({@link #removeTombstones}). A version read as metadata (or as a dropped table's last version)
   * is the latest as of the probe that found no name after it: the names after a version are removed only after it
   * has been a tombstone for the removal age (docs/concurrency.md, "Removing old tombstones").
   */
  public Current readCurrent(int latest) {
    int v = latest;
    for (int listings = 0; ; ) {
      long asked = System.nanoTime();
      Content c;
      try {
        c = read(v);
      } catch (TableNotFoundException gone) {
        c = null;
      }
      if (c != null && !c.expiredTombstone()) {
        seen(v, asked);
        return new Current(v, c);
      }
      if (c != null) {
        int next = probeForward(v);
        if (next > v) {
          v = next;
          continue;
        }
      }
      int listed = highestListedVersion();
      if (listed <= 0) {
        throw new TableNotFoundException(tableName, tableLocation);
      }
      if (listed <= v && c != null || ++listings > 3) {
        // Only ever written after newer versions exist: the table was altered by hand.
        throw new CorruptMetadataException(file(v), "the latest version is an expired tombstone: no version of "
            + "table " + tableName + " holds its metadata");
      }
      v = probeForward(listed);
    }
  }

  /**
   * Creates a version file exclusively: the commit. When the store cannot say whether the create happened, the
   * file is read back: byte-identical content (which embeds a unique snapshot and commit id) means it is ours.
   *
   * <p>Every attempt is sent within {@link #baseMaxAge} of a moment this instance saw version {@code version - 1} as
   * metadata (found it the latest, read it, or created it); when its sighting is older, it looks at that version
   * again first (one small request). That bound is what lets old tombstones be removed ({@link #removeTombstones}):
   * the name {@code version} can be free again only long after {@code version - 1} stopped being metadata.
   *
   * @return true when this call (or an earlier attempt of it) created the file; false when another writer had (or
   *     the version before it is no longer the latest)
   * @throws CommitOutcomeUnknownException when that could not be decided (the caller then looks for its change
   *     in the latest version)
   */
  public boolean create(int version, byte[] content) {
    String f = file(version);
    boolean uncertain = false;
    long firstSent = 0;
    for (int attempt = 1; ; attempt++) {
      if (!uncertain && sawAtLeast(version)) {
        return false; // taken: this instance saw it, or a later version
      }
      if (!seenRecently(version - 1)) {
        if (uncertain) {
          // A second attempt now could land on a name freed since: only the latest version can tell.
          throw new CommitOutcomeUnknownException("cannot tell whether " + f + " was created by this commit, and "
              + "its base version was seen too long ago to try again", null);
        }
        if (!baseStillAt(version - 1)) {
          return false;
        }
      }
      long sent = System.nanoTime();
      if (firstSent == 0) {
        firstSent = sent;
      }
      try {
        boolean created = storage.createExclusive(f, content);
        if (created || !uncertain) {
          return published(version, firstSent, created);
        }
        // An earlier attempt of ours had an unknown outcome: the file now present may be that attempt, landed
        // after the read-back found nothing (or after the read-back itself failed). Only its content can tell.
        Boolean ours = readBack(f, content);
        if (ours != null) {
          return published(version, firstSent, ours);
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
          return published(version, firstSent, ours);
        }
        if (attempt >= MAX_UNKNOWN_OUTCOME_ATTEMPTS) {
          throw e;
        }
        // Absent (or unreadable): creating again is safe. It is exclusive, and if the first request lands
        // first, this one fails and the read-back above finds our bytes.
      }
    }
  }

  /** Whether this instance saw {@code version} as metadata within the base age (never for a version behind its latest sighting). */
  private boolean seenRecently(int version) {
    synchronized (sightingLock) {
      return seenVersion == version && System.nanoTime() - seenAtNanos < baseMaxAgeNanos;
    }
  }

  /**
   * Records that {@code version} was table metadata (or a dropped table's last version) at some moment after
   * {@code atNanos}. This instance records its own sightings; a caller that checked a version against the store
   * through a cache of its own (its file had the length of the metadata it
   * holds), so that a create on it need not look again. Never claim a moment earlier than the check's first request.
   *
   * @param version the version seen
   * @param atNanos a {@link System#nanoTime} taken before the check
   */
  public void seen(int version, long atNanos) {
    synchronized (sightingLock) {
      if (version > seenVersion || version == seenVersion && atNanos - seenAtNanos > 0) {
        seenVersion = version;
        seenAtNanos = atNanos;
      }
    }
  }

  /** @return {@code ours}, after recording that the version was created (as metadata) after {@code firstSent} */
  private boolean published(int version, long firstSent, boolean ours) {
    if (ours) {
      seen(version, firstSent);
    }
    return ours;
  }

  private boolean sawAtLeast(int version) {
    synchronized (sightingLock) {
      return seenVersion >= version;
    }
  }

  /**
   * Looks at the version a create builds on: still metadata (or a dropped table's last version), then it is a fresh
   * sighting. Version 0 stands for "no version at all", checked by listing.
   *
   * @return false when it is a tombstone or gone (a newer version exists: the create would only fail)
   */
  private boolean baseStillAt(int base) {
    long asked = System.nanoTime();
    if (base <= 0) {
      if (highestListedVersion() > 0) {
        return false;
      }
      seen(0, asked);
      return true;
    }
    long length;
    try {
      length = storage.newInputFile(file(base)).length();
    } catch (FileNotFoundInStorageException e) {
      return false;
    }
    if (length <= SMALL_VERSION_FILE) {
      Content c;
      try {
        c = read(base);
      } catch (TableNotFoundException e) {
        return false;
      }
      if (c.expiredTombstone()) {
        return false;
      }
    }
    seen(base, asked);
    return true;
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
   * @return the least age at which a tombstone may be removed: twice {@link #baseMaxAge} plus the storage's
   *     {@link StorageBackend#longestCall} (a create sent just within the base age may still be under way that long)
   */
  public java.time.Duration minimumRemovalAge() {
    return baseMaxAge().multipliedBy(2).plus(storage.longestCall());
  }

  /**
   * Removes {@link VersionTombstone.Kind#EXPIRED EXPIRED} tombstones that have stood for at least {@code minAge},
   * oldest first, so that a table does not keep one name per version it ever published. A tombstone is removed only
   * when every name below it is already gone, it is older than {@code minAge} by the store's own clock (against the
   * newest version file's time), and it is not the latest version; removal stops at the first name that is not such
   * a tombstone (a version still holding metadata, a dropped table's last version, a young tombstone). A writer
   * publishes version N only within {@link #baseMaxAge} of seeing version N-1 as metadata ({@link #create}), and
   * version N-1 is removed only after it has been a tombstone for {@code minAge}, so with {@code minAge} at least
   * twice the base age plus the longest a call to the store can take ({@link #minimumRemovalAge}) no writer can find
   * the name N free again. The argument is in {@code docs/concurrency.md},
   * "Removing old tombstones".
   *
   * @param minAge how long a tombstone stands before it may be removed; raised to {@link #minimumRemovalAge}
   * @param deadlineMillis stop removing at this wall-clock time (the next call goes on)
   * @return how many names were removed
   */
  public int removeTombstones(java.time.Duration minAge, long deadlineMillis) {
    long ageMillis = Math.max(minAge.toMillis(), minimumRemovalAge().toMillis());
    java.util.TreeMap<Integer, FileInfo> names = new java.util.TreeMap<>();
    long storeNow = Long.MIN_VALUE;
    for (FileInfo f : storage.list(MetadataFiles.metadataDir(tableLocation))) {
      int n = MetadataFiles.parseVersion(f.location());
      if (n > 0 && f.location().equals(file(n))) {
        names.put(n, f);
        storeNow = Math.max(storeNow, f.lastModifiedMillis());
      }
    }
    if (names.size() < 2) {
      return 0;
    }
    int latest = names.lastKey();
    int removed = 0;
    for (var e : names.entrySet()) {
      int n = e.getKey();
      FileInfo f = e.getValue();
      if (n >= latest || f.size() > SMALL_VERSION_FILE || f.lastModifiedMillis() > storeNow - ageMillis
          || System.currentTimeMillis() >= deadlineMillis) {
        break;
      }
      if (f.size() != EXPIRED_TOMBSTONE_SIZE) {
        Content c;
        try {
          c = read(n);
        } catch (TableNotFoundException gone) {
          continue; // removed by another call meanwhile
        }
        if (!c.expiredTombstone()) {
          break;
        }
      }
      storage.delete(f.location());
      removed++;
    }
    if (removed > 0) {
      LOG.debug("table {}: removed {} version tombstones older than {} ms", tableName, removed, ageMillis);
    }
    return removed;
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
