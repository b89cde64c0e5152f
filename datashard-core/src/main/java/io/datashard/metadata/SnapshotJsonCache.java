package io.datashard.metadata;

import io.datashard.Snapshot;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The JSON of each snapshot, serialized once: snapshots never change, and every version repeats them all. A parsed
 * snapshot keeps the exact text it was read from (fields DataShard does not model are written back as read).
 *
 * <p>An entry is used only for an equal snapshot, never for the id alone: a commit attempt that lost a race and
 * the attempt that rebuilds on the new base share a snapshot id but not a manifest list, and the versions derived
 * from one base share this cache. Keyed by id alone, the retry published the losing attempt's JSON, whose
 * manifest list the loser had already deleted (SharedHandleMaintenanceTest).
 */
final class SnapshotJsonCache {
  /**
   * A snapshot and its JSON: the text once it is known, or the tree it was parsed from until the text is first
   * asked for (most parsed versions are never written back whole: a load, a scan, a REST client's copy).
   */
  private record Entry(Snapshot snapshot, String json, com.fasterxml.jackson.databind.JsonNode parsedFrom) {
  }

  private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

  /** Records the tree a snapshot was parsed from; its text is written back exactly as read, when first needed. */
  void putParsed(Snapshot snapshot, com.fasterxml.jackson.databind.JsonNode parsedFrom) {
    entries.put(snapshot.snapshotId(), new Entry(snapshot, null, parsedFrom));
  }

  /** @return the JSON of {@code snapshot}: cached when an equal snapshot was serialized or parsed, else computed */
  String json(Snapshot snapshot, Function<Snapshot, String> serializer) {
    Entry e = entries.get(snapshot.snapshotId());
    if (e != null && (e.snapshot() == snapshot || e.snapshot().equals(snapshot))) {
      if (e.json() != null) {
        return e.json();
      }
      String text = e.parsedFrom().toString();
      entries.replace(snapshot.snapshotId(), e, new Entry(e.snapshot(), text, null));
      return text;
    }
    String json = serializer.apply(snapshot);
    entries.put(snapshot.snapshotId(), new Entry(snapshot, json, null));
    return json;
  }
}
