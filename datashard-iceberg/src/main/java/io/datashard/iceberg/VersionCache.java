package io.datashard.iceberg;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.TableMetadata;

/**
 * The last version the catalog saw of each table, so that loading a table it has seen costs one request to the
 * store instead of four (hint, two probes, the version file) and no JSON parsing.
 *
 * <p>A cached version is used only after one check against the store: its version file still has the length it
 * had when cached, and the next version does not exist (one {@code HEAD} each on S3). That is the same forward probe
 * by which every DataShard handle refreshes (docs/concurrency.md), so a cached table is exactly as current as a
 * handle that stayed open: any commit, drop or re-create through the protocol publishes the next version and
 * is seen. The length check covers what the protocol cannot: a table whose files were removed by hand and whose
 * version was published again by another tool with a different content. Bounded (least recently used out);
 * thread-safe.
 *
 * <p>One exception: a table loaded to be committed to at once ({@link DataShardCatalog#loadTableForCommit}) uses
 * its cached version without the check when the check last passed less than {@link #COMMIT_CHECK_INTERVAL_MS} ago.
 * That needs no check for the protocol's sake: the commit is an exclusive create of the next version, which fails
 * if any writer published it meanwhile, and the commit is then applied again to the latest version, as a library
 * handle that stayed open does. The interval bounds the hand-removal case instead: a table whose files were
 * removed by hand and published again is noticed within it. A commit of this server on top of a checked version
 * does not count as a check.
 */
final class VersionCache {
  /** Catalog property: how many tables the cache holds; 0 turns it off. */
  static final String MAX_TABLES = "datashard.metadata-cache.max-tables";
  static final int MAX_TABLES_DEFAULT = 1000;

  /**
   * Catalog property: how long after its last check against the store a cached version may be committed on without
   * checking again (milliseconds; 0: check before every commit too). Default 1000.
   */
  static final String COMMIT_CHECK_INTERVAL_MS = "datashard.metadata-cache.commit-check-interval-ms";
  static final long COMMIT_CHECK_INTERVAL_MS_DEFAULT = 1000;

  /**
   * A table's version as last seen.
   *
   * @param json the version file's bytes, which {@code metadata} was read from or written as (a REST answer carries
   *     them as they are, without writing the metadata as JSON again)
   * @param checkedAtNanos when its identity was last checked against the store ({@link System#nanoTime}); 0: never
   */
  record Entry(int version, TableMetadata metadata, byte[] json, long checkedAtNanos) {
    /** @return the version file's length */
    long length() {
      return json.length;
    }
  }

  private final long commitCheckIntervalNanos;

  private final int maxTables;
  private final LinkedHashMap<String, Entry> entries;

  VersionCache(int maxTables, long commitCheckIntervalMillis) {
    this.maxTables = maxTables;
    this.commitCheckIntervalNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(commitCheckIntervalMillis);
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > VersionCache.this.maxTables;
      }
    };
  }

  /** @return a cache for the catalog's properties, or null when turned off */
  static VersionCache fromProperties(Map<String, String> props) {
    long max = nonNegative(props, MAX_TABLES, MAX_TABLES_DEFAULT, "a number of tables, 0 (off) or more");
    if (max > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(MAX_TABLES + " must be a number of tables, not " + max);
    }
    long intervalMs = nonNegative(props, COMMIT_CHECK_INTERVAL_MS, COMMIT_CHECK_INTERVAL_MS_DEFAULT,
        "milliseconds, 0 or more");
    return max == 0 ? null : new VersionCache((int) max, intervalMs);
  }

  /**
   * Reads a catalog property that is a number of 0 or more, refusing anything else with a message naming the property.
   *
   * @param props the catalog's properties
   * @param key the property
   * @param defaultValue the value when it is absent
   * @param what what it must be, for the message
   * @return its value
   */
  static long nonNegative(Map<String, String> props, String key, long defaultValue, String what) {
    String v = props.get(key);
    long n;
    try {
      n = v == null ? defaultValue : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be " + what + ", not '" + v + "'", e);
    }
    if (n < 0) {
      throw new IllegalArgumentException(key + " must be " + what + ", not " + n);
    }
    return n;
  }

  /** @return whether a commit may use this entry without checking it against the store first */
  boolean trustedForCommit(Entry e) {
    return commitCheckIntervalNanos > 0 && e.checkedAtNanos() != 0
        && System.nanoTime() - e.checkedAtNanos() < commitCheckIntervalNanos;
  }

  synchronized Entry get(String tableLocation) {
    return entries.get(tableLocation);
  }

  /**
   * @param checked true when the version was just read or checked from the store; false when this catalog
   *     committed it (then it keeps the check time of the version it was built on, if that is the one cached)
   */
  synchronized void put(String tableLocation, int version, byte[] json, TableMetadata metadata, boolean checked) {
    Entry old = entries.get(tableLocation);
    if (old == null || old.version() <= version) {
      long checkedAt = checked ? System.nanoTime()
          : old != null && old.version() == version - 1 ? old.checkedAtNanos() : 0;
      entries.put(tableLocation, new Entry(version, metadata, json, checkedAt));
    }
  }

  /** Records that {@code e} passed its check against the store just now (if it is still the cached entry). */
  synchronized void checked(String tableLocation, Entry e) {
    if (entries.get(tableLocation) == e) {
      entries.put(tableLocation, new Entry(e.version(), e.metadata(), e.json(), System.nanoTime()));
    }
  }

  synchronized void remove(String tableLocation) {
    entries.remove(tableLocation);
  }

  synchronized int size() {
    return entries.size();
  }
}
