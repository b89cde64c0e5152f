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
 * (DESIGN.md "Commit protocol", steps 1, 3, 5 and 6).
 *
 * <p>Refresh reads the advisory {@code version-hint.text} (falling back to listing {@code metadata/} when it is
 * missing or unreadable), then probes {@code v<N+1>}, {@code v<N+2>}... until one is absent; the highest existing
 * version is current. A commit is the exclusive creation of {@code v<N+1>.metadata.json}: nothing else.
 *
 * <p>Thread-safe: handles may be shared; correctness never depends on in-process locking.
 */
public final class TableOperations {
  private static final Logger LOG = LoggerFactory.getLogger(TableOperations.class);
  private static final int MAX_UNKNOWN_OUTCOME_ATTEMPTS = 5;

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
   * @throws TableNotFoundException when the table has no committed version
   */
  public synchronized TableMetadata refresh() {
    TableMetadata known = current;
    int start;
    boolean hintStale = false;
    if (known != null) {
      start = known.version();
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
    int latest = probeForward(start);
    if (latest != start) {
      hintStale = true;
    }
    if (known != null && latest == known.version()) {
      return known;
    }
    TableMetadata loaded = load(latest);
    current = loaded;
    if (hintStale && known == null) {
      writeHint(latest); // heal a missing, garbage or stale hint
    }
    return loaded;
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

  /** Loads a version; errors name the file. */
  public TableMetadata load(int version) {
    String file = MetadataFiles.versionFile(tableLocation, version);
    byte[] bytes;
    try {
      bytes = storage.readAll(file);
    } catch (FileNotFoundInStorageException e) {
      throw new TableNotFoundException(tableName, tableLocation);
    }
    if (bytes.length == 0) {
      throw new CorruptMetadataException(file, "file is empty");
    }
    return TableMetadataParser.fromJson(file, version, bytes);
  }

  /**
   * Tries to publish {@code updated} as the version after {@code base}.
   *
   * @param base the version the change was built on
   * @param updated the new metadata (its version must be base.version() + 1)
   * @return the committed metadata, or null when another writer committed that version first
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
    deleteDroppedMetadataFiles(base, committed);
    return committed;
  }

  /**
   * With {@code write.metadata.delete-after-commit.enabled}, deletes the version files that fell out of the
   * bounded metadata log ({@code write.metadata.previous-versions-max}). Best effort.
   */
  private void deleteDroppedMetadataFiles(TableMetadata base, TableMetadata committed) {
    if (!Boolean.parseBoolean(committed.properties().getOrDefault(
        io.datashard.TableProperties.METADATA_DELETE_AFTER_COMMIT, "false"))) {
      return;
    }
    java.util.Set<String> kept = new java.util.HashSet<>();
    committed.metadataLog().forEach(e -> kept.add(e.file()));
    java.util.List<String> dropped = new java.util.ArrayList<>();
    base.metadataLog().forEach(e -> {
      if (!kept.contains(e.file())) {
        dropped.add(e.file());
      }
    });
    for (String f : dropped) {
      try {
        storage.delete(f);
      } catch (RuntimeException e) {
        LOG.warn("table {}: could not delete old metadata file {} ({})", tableName, f, e.getMessage());
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
        return Arrays.equals(existing, json);
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
   * Creates version 1 of a new table.
   *
   * @return the committed metadata, or null when a table already exists there
   */
  public TableMetadata create(TableMetadata initial) {
    String file = MetadataFiles.versionFile(tableLocation, 1);
    byte[] json = TableMetadataParser.toJson(initial);
    if (!createResolvingUnknownOutcome(file, json)) {
      return null;
    }
    TableMetadata committed = initial.withFile(file, 1);
    current = committed;
    writeHint(1);
    return committed;
  }
}
