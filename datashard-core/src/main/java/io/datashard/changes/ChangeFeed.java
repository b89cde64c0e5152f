package io.datashard.changes;

import io.datashard.manifest.TableFiles;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.update.TableInternals;
import io.datashard.scan.SnapshotScan;
import io.datashard.TableScan;
import java.util.HashSet;
import io.datashard.ChangeType;
import io.datashard.ChangeRow;
import io.datashard.CloseableIterator;
import io.datashard.DataShardException;
import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.Table;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The rows inserted and deleted by the snapshots in {@code (from, to]} along {@code to}'s ancestry.
 *
 * <p>Each snapshot's changes are the multiset difference between the live rows of its parent and its own live
 * rows (all deletes applied, as a scan returns them). Identical rows deleted and re-inserted in one snapshot
 * (compaction, copy-on-write rewrites: Spark's "carry-over" rows) cancel out, as Spark's changelog view removes
 * them by default. When the table's schema has identifier fields, a deleted and an inserted row of the same
 * snapshot with the same identifier values become an {@code UPDATE_BEFORE}/{@code UPDATE_AFTER} pair.
 *
 * <p>Reads: a snapshot's changes come from the data files it added and removed, found in the manifests it wrote:
 * the removed files are read as they were live in the parent (its deletes applied), the added ones as they are in
 * the snapshot. A snapshot that added or removed delete files (merge-on-read deletes by another engine) is compared
 * whole with its parent instead, since its deletes may remove rows of files it did not touch.
 *
 * <p>Memory: snapshots are processed one at a time and the iteration streams across snapshots; within one
 * snapshot the rows of the files it removed are held as a hash multiset and its changes are buffered before being
 * returned, so the bound is what one snapshot changed (the parent's whole row count for a snapshot that changed
 * delete files).
 */
public final class ChangeFeed implements CloseableIterator<ChangeRow> {
  private final Table table;
  private final Deque<Snapshot> pending;
  private final int firstOrdinal;
  /** The schema of the range's last snapshot: rows of every snapshot are compared and returned in it. */
  private final io.datashard.Schema target;
  private int ordinal;
  private Iterator<ChangeRow> current = Collections.emptyIterator();

  private ChangeFeed(Table table, List<Snapshot> snapshots) {
    this.table = table;
    this.pending = new ArrayDeque<>(snapshots);
    this.target = snapshots.isEmpty() ? table.schema()
        : table.scan().useSnapshot(snapshots.get(snapshots.size() - 1).snapshotId()).schema();
    this.firstOrdinal = 0;
    this.ordinal = firstOrdinal;
  }

  /**
   * Opens the change feed of a table.
   *
   * @param table the table
   * @param fromSnapshotExclusive the snapshot after which changes start, or null for all snapshots from the
   *     first ancestor of {@code to} (its root, whose parent is absent)
   * @param toSnapshotInclusive the last snapshot whose changes are returned, or null for the current snapshot
   * @return the changes, oldest snapshot first
   * @throws DataShardException if a snapshot does not exist or {@code from} is not an ancestor of {@code to}
   */
  public static ChangeFeed open(Table table, Long fromSnapshotExclusive, Long toSnapshotInclusive) {
    return new ChangeFeed(table, range(table, fromSnapshotExclusive, toSnapshotInclusive));
  }

  /**
   * The snapshots in {@code (from, to]} along {@code to}'s ancestry, oldest first.
   *
   * @param table the table
   * @param from exclusive start, or null for the root of {@code to}'s ancestry
   * @param to inclusive end, or null for the current snapshot
   * @return the snapshots (empty when the table has no snapshot)
   */
  public static List<Snapshot> range(Table table, Long from, Long to) {
    Snapshot end;
    if (to == null) {
      end = table.currentSnapshot();
      if (end == null) {
        if (from != null) {
          throw new DataShardException("Table has no snapshot; --from " + from + " cannot be resolved");
        }
        return List.of();
      }
    } else {
      end = table.snapshot(to);
      if (end == null) {
        throw new DataShardException("Snapshot " + to + " (end of the change range) does not exist");
      }
    }
    if (from != null && table.snapshot(from) == null) {
      throw new DataShardException("Snapshot " + from + " (start of the change range) does not exist");
    }
    List<Snapshot> chain = new ArrayList<>();
    Snapshot s = end;
    while (s != null && (from == null || s.snapshotId() != from)) {
      chain.add(s);
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    if (from != null && s == null) {
      throw new DataShardException("Snapshot " + from + " is not an ancestor of snapshot " + end.snapshotId()
          + "; a change range must follow one line of history");
    }
    Collections.reverse(chain);
    return chain;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      if (pending.isEmpty()) {
        return false;
      }
      current = changesOf(pending.poll(), ordinal++).iterator();
    }
    return true;
  }

  @Override
  public ChangeRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  @Override
  public void close() {
    pending.clear();
    current = Collections.emptyIterator();
  }

  /**
   * The data files a snapshot added and removed, from the manifests it wrote (ADDED and DELETED entries appear
   * only in the manifests of the snapshot that made them).
   *
   * @return the files, or null when the snapshot added or removed delete files: its changes then include rows
   *     removed from files it did not touch, and only a comparison of whole snapshots finds them
   */
  private FileChanges fileChanges(Snapshot snapshot) {
    TableFiles files = TableInternals.of(table).files();
    Set<String> added = new HashSet<>();
    Set<String> removed = new HashSet<>();
    for (ManifestFile m : files.manifests(snapshot.manifestListLocation())) {
      if (m.addedSnapshotId() != snapshot.snapshotId()) {
        continue;
      }
      for (ManifestEntry e : files.entries(m)) {
        if (e.status() == ManifestEntry.EXISTING) {
          continue;
        }
        if (m.content() != ManifestFile.CONTENT_DATA) {
          return null;
        }
        (e.status() == ManifestEntry.ADDED ? added : removed).add(e.file().location());
      }
    }
    return new FileChanges(added, removed);
  }

  /** The data files one snapshot added and removed. */
  private record FileChanges(Set<String> added, Set<String> removed) {
  }

  /**
   * @return a scan of one snapshot, restricted to some data files (the snapshot's delete files still applied), or
   *     the whole snapshot when {@code only} is null
   */
  private TableScan scanOf(long snapshotId, Set<String> only) {
    TableScan scan = table.scan().useSnapshot(snapshotId);
    return only == null ? scan : ((SnapshotScan) scan).onlyDataFiles(only);
  }

  private List<ChangeRow> changesOf(Snapshot snapshot, int ord) {
    // Read only the files the snapshot added and removed where its manifests tell them (appends, copy-on-write
    // deletes and overwrites, compaction); compare whole snapshots only when it changed delete files.
    FileChanges changed = fileChanges(snapshot);
    Map<Row, Integer> before = new HashMap<>();
    Long parent = snapshot.parentId();
    if (parent != null && table.snapshot(parent) != null && (changed == null || !changed.removed().isEmpty())) {
      try (CloseableIterator<Row> it = scanOf(parent, changed == null ? null : changed.removed()).iterator()) {
        while (it.hasNext()) {
          before.merge(inTarget(it.next()), 1, Integer::sum);
        }
      }
    }
    List<Row> inserted = new ArrayList<>();
    if (changed == null || !changed.added().isEmpty()) {
      try (CloseableIterator<Row> it = scanOf(snapshot.snapshotId(), changed == null ? null : changed.added())
          .iterator()) {
        while (it.hasNext()) {
          Row r = inTarget(it.next());
          Integer n = before.get(r);
          if (n == null) {
            inserted.add(r);
          } else if (n == 1) {
            before.remove(r);
          } else {
            before.put(r, n - 1);
          }
        }
      }
    }
    List<Row> deleted = new ArrayList<>();
    before.forEach((r, n) -> {
      for (int i = 0; i < n; i++) {
        deleted.add(r);
      }
    });
    long id = snapshot.snapshotId();
    List<ChangeRow> out = new ArrayList<>();
    Set<Integer> ids = table.schema().identifierFieldIds();
    if (ids.isEmpty()) {
      deleted.forEach(r -> out.add(new ChangeRow(ChangeType.DELETE, id, ord, r)));
      inserted.forEach(r -> out.add(new ChangeRow(ChangeType.INSERT, id, ord, r)));
      return out;
    }
    List<String> keyNames = new ArrayList<>();
    table.schema().fields().forEach(f -> {
      if (ids.contains(f.id())) {
        keyNames.add(f.name());
      }
    });
    Map<List<Object>, Deque<Row>> deletedByKey = new LinkedHashMap<>();
    for (Row r : deleted) {
      deletedByKey.computeIfAbsent(key(r, keyNames), k -> new ArrayDeque<>()).add(r);
    }
    List<ChangeRow> inserts = new ArrayList<>();
    for (Row r : inserted) {
      Deque<Row> match = deletedByKey.get(key(r, keyNames));
      if (match != null && !match.isEmpty()) {
        out.add(new ChangeRow(ChangeType.UPDATE_BEFORE, id, ord, match.poll()));
        out.add(new ChangeRow(ChangeType.UPDATE_AFTER, id, ord, r));
      } else {
        inserts.add(new ChangeRow(ChangeType.INSERT, id, ord, r));
      }
    }
    deletedByKey.values().forEach(q -> q.forEach(r -> out.add(new ChangeRow(ChangeType.DELETE, id, ord, r))));
    out.addAll(inserts);
    return out;
  }

  /**
   * A row of any snapshot in the range's last schema, matched by field id: a column added since reads as null, a
   * dropped one is left out, a renamed one keeps its value, a widened one is widened. Without this, a schema change
   * inside the range would make every row of the snapshots before it look deleted and inserted again.
   */
  private Row inTarget(Row r) {
    io.datashard.Schema from = r.schema();
    if (from == target || from.sameFieldsAs(target)) {
      return r;
    }
    Object[] values = new Object[target.size()];
    for (int i = 0; i < values.length; i++) {
      io.datashard.Field f = target.field(i);
      int pos = from.positionOfId(f.id());
      Object v = pos < 0 ? null : r.get(pos);
      if (v != null) {
        try {
          v = io.datashard.records.RecordValidator.canonical(f, v);
        } catch (RuntimeException e) {
          // a nested value whose struct changed shape stays as read
        }
      }
      values[i] = v;
    }
    return Row.wrap(target, values);
  }

  private static List<Object> key(Row r, List<String> names) {
    List<Object> k = new ArrayList<>(names.size());
    for (String n : names) {
      k.add(r.getField(n));
    }
    return k;
  }
}
