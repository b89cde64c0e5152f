package io.datashard.manifest;

import io.datashard.metadata.ManifestFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers the manifest lists a table handle has read or written. Manifest lists are immutable once
 * written, so a warm handle appending again never re-reads the list its previous commit wrote.
 */
public final class ManifestListCache {
  private static final int MAX_ENTRIES = 8;

  private final Map<String, List<ManifestFile>> entries = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<ManifestFile>> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  /** @return the manifests of a list, reading it with {@code loader} when not cached */
  public List<ManifestFile> get(String location, Function<String, List<ManifestFile>> loader) {
    synchronized (entries) {
      List<ManifestFile> cached = entries.get(location);
      if (cached != null) {
        return cached;
      }
    }
    List<ManifestFile> loaded = List.copyOf(loader.apply(location));
    put(location, loaded);
    return loaded;
  }

  /** Records a list this handle wrote. */
  public void put(String location, List<ManifestFile> manifests) {
    synchronized (entries) {
      entries.put(location, List.copyOf(manifests));
    }
  }
}
