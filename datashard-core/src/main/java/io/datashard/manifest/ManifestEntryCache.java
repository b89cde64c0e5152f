package io.datashard.manifest;

import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers the entries of the small manifests a table handle has read. A manifest never changes once written, and
 * the values its entries inherit come from its row in the manifest list (added snapshot, sequence number, first row
 * id), which is part of the key; so a warm handle planning scans again decodes no manifest twice. Entries are
 * immutable values ({@link io.datashard.metadata.DataFile} hands out copies of its buffers), so they are shared
 * between scans and threads.
 *
 * <p>Bounded by a number of entries, least recently used first out. A manifest with more than a quarter of the
 * budget is read every time: its header is amortised over its entries, and what costs a table of many small
 * appends its planning time is one Avro header per manifest of one or a few files.
 */
final class ManifestEntryCache {
  /** Entries kept per handle: at a few hundred bytes each, about a megabyte. */
  static final int DEFAULT_MAX_ENTRIES = 4_096;

  private record Key(String location, long addedSnapshotId, long sequenceNumber, Long firstRowId) {
    static Key of(ManifestFile m) {
      return new Key(m.location(), m.addedSnapshotId(), m.sequenceNumber(), m.firstRowId());
    }
  }

  private final int maxEntries;
  private final Map<Key, List<ManifestEntry>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private int size;

  ManifestEntryCache(int maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /**
   * @param manifest a manifest's row in a manifest list
   * @param loader reads the manifest's entries when they are not cached
   * @return the manifest's entries, with inherited values resolved (an unmodifiable list)
   */
  List<ManifestEntry> get(ManifestFile manifest, Function<ManifestFile, List<ManifestEntry>> loader) {
    Key key = Key.of(manifest);
    synchronized (entries) {
      List<ManifestEntry> cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    List<ManifestEntry> loaded = List.copyOf(loader.apply(manifest));
    if (loaded.size() <= maxEntries / 4) {
      put(key, loaded);
    }
    return loaded;
  }

  private void put(Key key, List<ManifestEntry> loaded) {
    synchronized (entries) {
      List<ManifestEntry> previous = entries.put(key, loaded);
      size += weight(loaded) - (previous == null ? 0 : weight(previous));
      Iterator<List<ManifestEntry>> eldest = entries.values().iterator();
      while (size > maxEntries && eldest.hasNext()) {
        size -= weight(eldest.next());
        eldest.remove();
      }
    }
  }

  /** An empty manifest counts as one entry, so that the number of cached manifests is bounded too. */
  private static int weight(List<ManifestEntry> manifestEntries) {
    return Math.max(1, manifestEntries.size());
  }

  /** @return how many entries are held (for tests) */
  int size() {
    synchronized (entries) {
      return size;
    }
  }
}
