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
 */
final class VersionCache {
  /** Catalog property: how many tables the cache holds; 0 turns it off. */
  static final String MAX_TABLES = "datashard.metadata-cache.max-tables";
  static final int MAX_TABLES_DEFAULT = 1000;

  /** A table's version as last seen. */
  record Entry(int version, long length, TableMetadata metadata) {
  }

  private final int maxTables;
  private final LinkedHashMap<String, Entry> entries;

  VersionCache(int maxTables) {
    this.maxTables = maxTables;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > VersionCache.this.maxTables;
      }
    };
  }

  /** @return a cache for the catalog's properties, or null when turned off */
  static VersionCache fromProperties(Map<String, String> props) {
    String v = props.get(MAX_TABLES);
    int max;
    try {
      max = v == null ? MAX_TABLES_DEFAULT : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_TABLES + " must be a number of tables, not '" + v + "'", e);
    }
    if (max < 0) {
      throw new IllegalArgumentException(MAX_TABLES + " must be 0 (off) or more, not " + max);
    }
    return max == 0 ? null : new VersionCache(max);
  }

  synchronized Entry get(String tableLocation) {
    return entries.get(tableLocation);
  }

  synchronized void put(String tableLocation, int version, long length, TableMetadata metadata) {
    Entry old = entries.get(tableLocation);
    if (old == null || old.version() <= version) {
      entries.put(tableLocation, new Entry(version, length, metadata));
    }
  }

  synchronized void remove(String tableLocation) {
    entries.remove(tableLocation);
  }

  synchronized int size() {
    return entries.size();
  }
}
