package io.datashard.metadata;

import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which snapshots of a table version the retention rules of the Apache Iceberg spec keep, and which they expire:
 * references older than their {@code max-ref-age-ms} (never {@code main}) go; every tag keeps its snapshot; every
 * branch keeps the ancestors that are among its newest {@code min-snapshots-to-keep} or younger than its
 * {@code max-snapshot-age-ms} (the branch's own settings first, then the given defaults); snapshots on no branch and
 * under no tag expire once older than the default cut-off; snapshots named explicitly expire unless a reference keeps
 * them (naming the head of a reference is refused).
 *
 * <p>A pure function of the metadata: used by snapshot expiry and by an append that expires what falls beyond the
 * table's snapshot limit in the same version (docs/operations.md, "Automatic upkeep").
 *
 * @param retained the snapshots kept, in the metadata's order
 * @param expired the snapshots that expire, in the metadata's order
 * @param expiredRefs the references (other than {@code main}) older than their {@code max-ref-age-ms}
 */
public record SnapshotRetention(List<Snapshot> retained, List<Snapshot> expired, List<String> expiredRefs) {
  /** Iceberg's property for the default age limit. */
  public static final String MAX_SNAPSHOT_AGE_MS = "history.expire.max-snapshot-age-ms";
  /** Default of {@link #MAX_SNAPSHOT_AGE_MS}: 5 days, as Iceberg's. */
  public static final long MAX_SNAPSHOT_AGE_MS_DEFAULT = 5L * 24 * 60 * 60 * 1000;
  /** Iceberg's property for the default number of snapshots to keep. */
  public static final String MIN_SNAPSHOTS_TO_KEEP = "history.expire.min-snapshots-to-keep";
  /** Default of {@link #MIN_SNAPSHOTS_TO_KEEP}: 1, as Iceberg's. */
  public static final int MIN_SNAPSHOTS_TO_KEEP_DEFAULT = 1;
  /** Iceberg's property for the default age limit of branches and tags other than main (default: forever). */
  public static final String MAX_REF_AGE_MS = "history.expire.max-ref-age-ms";

  /** Copies the lists. */
  public SnapshotRetention {
    retained = List.copyOf(retained);
    expired = List.copyOf(expired);
    expiredRefs = List.copyOf(expiredRefs);
  }

  /**
   * Applies the rules to {@code base}.
   *
   * @param base the table version
   * @param cutoffMillis the default cut-off, or null for now minus the table's {@link #MAX_SNAPSHOT_AGE_MS}
   * @param retainLast the default number of ancestors each branch keeps, or null for the table's
   *     {@link #MIN_SNAPSHOTS_TO_KEEP}
   * @param explicitIds snapshots to expire regardless of age
   * @param nowMillis the time reference ages are measured from
   * @return what is kept and what expires
   * @throws ValidationException when an explicitly named snapshot is the head of a reference or the current one
   */
  public static SnapshotRetention of(TableMetadata base, Long cutoffMillis, Integer retainLast, Set<Long> explicitIds,
      long nowMillis) {
    long defaultCutoff = cutoffMillis != null ? cutoffMillis
        : nowMillis - base.longProperty(MAX_SNAPSHOT_AGE_MS, MAX_SNAPSHOT_AGE_MS_DEFAULT);
    int defaultKeep = retainLast != null ? retainLast : Math.max(1, base.intProperty(MIN_SNAPSHOTS_TO_KEEP,
        MIN_SNAPSHOTS_TO_KEEP_DEFAULT));
    long defaultMaxRefAge = base.longProperty(MAX_REF_AGE_MS, Long.MAX_VALUE);
    List<String> expiredRefs = new ArrayList<>();
    Set<Long> kept = new HashSet<>();
    for (Map.Entry<String, SnapshotRef> e : base.refs().entrySet()) {
      String name = e.getKey();
      SnapshotRef ref = e.getValue();
      Snapshot head = base.snapshot(ref.snapshotId());
      long maxRefAge = ref.maxRefAgeMs() != null ? ref.maxRefAgeMs() : defaultMaxRefAge;
      if (!SnapshotRef.MAIN.equals(name) && head != null && nowMillis - head.timestampMillis() > maxRefAge) {
        expiredRefs.add(name);
        continue;
      }
      if (explicitIds.contains(ref.snapshotId())) {
        throw new ValidationException("snapshot " + ref.snapshotId() + " is " + (SnapshotRef.MAIN.equals(name)
            ? "the current snapshot (head of branch 'main')" : "the head of " + ref.type().jsonName() + " '" + name
            + "'") + " and cannot be expired");
      }
      if (ref.isTag()) {
        kept.add(ref.snapshotId());
        continue;
      }
      int keep = ref.minSnapshotsToKeep() != null ? ref.minSnapshotsToKeep() : defaultKeep;
      long cutoff = ref.maxSnapshotAgeMs() != null ? nowMillis - ref.maxSnapshotAgeMs() : defaultCutoff;
      int n = 0;
      for (Snapshot s = head; s != null; s = s.parentId() == null ? null : base.snapshot(s.parentId())) {
        if (n >= keep && s.timestampMillis() < cutoff) {
          break;
        }
        kept.add(s.snapshotId());
        n++;
      }
    }
    Long current = base.currentSnapshotId();
    if (current != null && explicitIds.contains(current)) {
      throw new ValidationException("snapshot " + current + " is the current snapshot and cannot be expired");
    }
    if (current != null) {
      kept.add(current); // also for metadata whose refs lack main (written before refs existed)
    }
    List<Snapshot> retained = new ArrayList<>();
    List<Snapshot> expired = new ArrayList<>();
    for (Snapshot snap : base.snapshots()) {
      // A named snapshot goes (heads of references were refused above); others go when no reference keeps them
      // and they are older than the cut-off.
      boolean expire = explicitIds.contains(snap.snapshotId())
          || (!kept.contains(snap.snapshotId()) && snap.timestampMillis() < defaultCutoff);
      (expire ? expired : retained).add(snap);
    }
    return new SnapshotRetention(retained, expired, expiredRefs);
  }

  /**
   * Whether a version carries more snapshots than automatic upkeep's limit plus a quarter: the point at which the
   * count rule ({@link #beyondLimit}) is applied, so that snapshots expire in batches, not after every append.
   *
   * @param m the table version
   * @param maxSnapshots the limit ({@code write.datashard.upkeep.max-snapshots})
   * @return whether the rule is due
   */
  public static boolean overLimit(TableMetadata m, int maxSnapshots) {
    return m.snapshots().size() > maxSnapshots + Math.max(1, maxSnapshots / 4);
  }

  /**
   * The count rule of automatic upkeep: every branch keeps its newest {@code maxSnapshots} ancestors (and what its
   * own settings keep); everything older goes.
   *
   * @param base the table version
   * @param maxSnapshots how many ancestors each branch keeps
   * @param nowMillis the time reference (snapshots at or after it are kept)
   * @return what is kept and what expires
   */
  public static SnapshotRetention beyondLimit(TableMetadata base, int maxSnapshots, long nowMillis) {
    return of(base, nowMillis, maxSnapshots, Set.of(), nowMillis);
  }
}
