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
  private record Entry(Snapshot snapshot, String json) {
  }

  private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

  /** Records the text a snapshot was parsed from. */
  void putParsed(Snapshot snapshot, String json) {
    entries.put(snapshot.snapshotId(), new Entry(snapshot, json));
  }

  /** @return the JSON of {@code snapshot}: cached when an equal snapshot was serialized or parsed, else computed */
  String json(Snapshot snapshot, Function<Snapshot, String> serializer) {
    Entry e = entries.get(snapshot.snapshotId());
    if (e != null && (e.snapshot() == snapshot || e.snapshot().equals(snapshot))) {
      return e.json();
    }
    String json = serializer.apply(snapshot);
    entries.put(snapshot.snapshotId(), new Entry(snapshot, json));
    return json;
  }
}
