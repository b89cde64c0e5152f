package io.datashard;

import java.util.Objects;

/**
 * A named reference to a snapshot: a branch (a line of snapshots that commits can extend; {@code main} is the
 * table's current state) or a tag (a fixed name for one snapshot). Retention settings, where set, override the
 * table's defaults during snapshot expiry, as the Apache Iceberg spec defines them:
 * <ul>
 *   <li>{@code minSnapshotsToKeep} (branches): the newest snapshots of the branch always kept;
 *   <li>{@code maxSnapshotAgeMs} (branches): older ancestors of the branch may be expired;
 *   <li>{@code maxRefAgeMs} (branches and tags, never {@code main}): the reference itself is removed once its
 *       snapshot is older than this.
 * </ul>
 * Immutable.
 *
 * @param type branch or tag
 * @param snapshotId the snapshot it points at
 * @param minSnapshotsToKeep null to use the table's default
 * @param maxSnapshotAgeMs null to use the table's default
 * @param maxRefAgeMs null for never
 */
public record SnapshotRef(Type type, long snapshotId, Integer minSnapshotsToKeep, Long maxSnapshotAgeMs,
                          Long maxRefAgeMs) {
  /** The branch that holds the table's current snapshot. */
  public static final String MAIN = "main";

  /** Branch or tag. */
  public enum Type {
    BRANCH, TAG;

    /** @return the spec's spelling ({@code branch}, {@code tag}) */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public SnapshotRef {
    Objects.requireNonNull(type, "type");
    if (type == Type.TAG && (minSnapshotsToKeep != null || maxSnapshotAgeMs != null)) {
      throw new ValidationException("a tag has no snapshot retention (min-snapshots-to-keep, max-snapshot-age-ms)");
    }
    if (minSnapshotsToKeep != null && minSnapshotsToKeep < 1) {
      throw new ValidationException("min-snapshots-to-keep must be at least 1, not " + minSnapshotsToKeep);
    }
    if (maxSnapshotAgeMs != null && maxSnapshotAgeMs <= 0) {
      throw new ValidationException("max-snapshot-age-ms must be positive, not " + maxSnapshotAgeMs);
    }
    if (maxRefAgeMs != null && maxRefAgeMs <= 0) {
      throw new ValidationException("max-ref-age-ms must be positive, not " + maxRefAgeMs);
    }
  }

  /** @return a branch at that snapshot with the table's default retention */
  public static SnapshotRef branch(long snapshotId) {
    return new SnapshotRef(Type.BRANCH, snapshotId, null, null, null);
  }

  /** @return a tag of that snapshot, kept forever */
  public static SnapshotRef tag(long snapshotId) {
    return new SnapshotRef(Type.TAG, snapshotId, null, null, null);
  }

  public boolean isBranch() {
    return type == Type.BRANCH;
  }

  public boolean isTag() {
    return type == Type.TAG;
  }

  /** @return the same reference pointing at another snapshot, retention unchanged */
  public SnapshotRef withSnapshotId(long id) {
    return new SnapshotRef(type, id, minSnapshotsToKeep, maxSnapshotAgeMs, maxRefAgeMs);
  }
}
