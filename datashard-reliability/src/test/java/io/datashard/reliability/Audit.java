package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Row;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.commit.MetadataFiles;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.manifest.TableFiles;
import io.datashard.table.TableHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a table against what its writers reported. Every check can fail. */
final class Audit {
  private Audit() {
  }

  /**
   * @param rowsPerAppend rows each append carried
   * @param unackedMayBePresent true when writers were killed (an append can commit without its ACK printed)
   * @return the appends present in the table
   */
  static Set<Long> check(Table table, Ledger ledger, int rowsPerAppend, boolean unackedMayBePresent) {
    return check(table, ledger, rowsPerAppend, unackedMayBePresent, false);
  }

  /**
   * @param snapshotsExpired true when snapshot expiry ran during the run: the rows are checked as always, the
   *     snapshots only as a chain of consecutive sequence numbers ending at the current one
   */
  static Set<Long> check(Table table, Ledger ledger, int rowsPerAppend, boolean unackedMayBePresent,
                         boolean snapshotsExpired) {
    List<Row> rows = table.scan().toList();
    Map<Long, Set<Long>> rowsByAppend = new HashMap<>();
    Set<Long> ids = new HashSet<>();
    for (Row r : rows) {
      long id = (Long) r.get("id");
      assertThat(ids.add(id)).as("row %d appears once", id).isTrue();
      int w = StressWorker.workerOf(id);
      int s = StressWorker.seqOf(id);
      assertThat(r.get("event")).isEqualTo("w" + w + "s" + s);
      rowsByAppend.computeIfAbsent(Ledger.key(w, s), k -> new HashSet<>()).add(id);
    }
    // Atomicity: an append is visible with all its rows or not at all.
    rowsByAppend.forEach((k, v) -> assertThat(v).as("rows of append %d", k).hasSize(rowsPerAppend));
    Set<Long> present = rowsByAppend.keySet();
    // Durability: every acknowledged append is there.
    assertThat(present).as("acknowledged appends present").containsAll(ledger.ackedSnapshotByAppend.keySet());
    // A definite failure leaves nothing visible.
    for (Long f : ledger.failed.keySet()) {
      assertThat(present).as("failed append %d (%s) absent", f, ledger.failed.get(f)).doesNotContain(f);
    }
    if (!unackedMayBePresent) {
      Set<Long> expected = new HashSet<>(ledger.ackedSnapshotByAppend.keySet());
      Set<Long> extra = new HashSet<>(present);
      extra.removeAll(expected);
      extra.removeAll(ledger.unknown.keySet());
      assertThat(extra).as("appends present without an ACK").isEmpty();
    }
    assertThat(ledger.begun).as("only begun appends are present").containsAll(present);

    List<Snapshot> snapshots = new ArrayList<>(table.snapshots());
    if (snapshotsExpired) {
      snapshots.sort(Comparator.comparingLong(Snapshot::sequenceNumber));
      for (int i = 1; i < snapshots.size(); i++) {
        assertThat(snapshots.get(i).parentId()).as("parent of retained snapshot %d",
            snapshots.get(i).sequenceNumber()).isEqualTo(snapshots.get(i - 1).snapshotId());
        assertThat(snapshots.get(i).sequenceNumber()).isEqualTo(snapshots.get(i - 1).sequenceNumber() + 1);
      }
      assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshots.get(snapshots.size() - 1).snapshotId());
      assertThat(table.rowCount()).isEqualTo(rows.size());
      return present;
    }
    // One snapshot per append, a linear chain, sequence numbers 1..n.
    assertThat(snapshots).as("one snapshot per present append").hasSize(present.size());
    Set<Long> snapshotIds = new HashSet<>();
    snapshots.forEach(s -> snapshotIds.add(s.snapshotId()));
    assertThat(snapshotIds).containsAll(ledger.ackedSnapshotByAppend.values());
    snapshots.sort(Comparator.comparingLong(Snapshot::sequenceNumber));
    Long parent = null;
    for (int i = 0; i < snapshots.size(); i++) {
      Snapshot s = snapshots.get(i);
      assertThat(s.sequenceNumber()).as("sequence number of snapshot %d", i).isEqualTo(i + 1L);
      assertThat(s.parentId()).as("parent of snapshot %d", s.sequenceNumber()).isEqualTo(parent);
      parent = s.snapshotId();
    }
    if (!snapshots.isEmpty()) {
      assertThat(table.currentSnapshot().snapshotId()).isEqualTo(parent);
      assertThat(table.rowCount()).isEqualTo(rows.size());
    }
    return present;
  }

  /** @return every file a committed version references, plus the version files and the hint */
  static Set<String> referencedFiles(TableHandle table, List<String> listed) {
    Set<String> refs = new HashSet<>();
    TableFiles files = table.files();
    for (Snapshot s : table.snapshots()) {
      refs.add(s.manifestListLocation());
      for (ManifestFile m : files.manifests(s.manifestListLocation())) {
        refs.add(m.location());
        for (ManifestEntry e : files.entries(m)) {
          refs.add(e.file().location());
        }
      }
    }
    for (String l : listed) {
      String name = l.substring(l.lastIndexOf('/') + 1);
      if (MetadataFiles.parseVersion(l) > 0 || name.equals(MetadataFiles.VERSION_HINT)) {
        refs.add(l);
      }
    }
    return refs;
  }
}
