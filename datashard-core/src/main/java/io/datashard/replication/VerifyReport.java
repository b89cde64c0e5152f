package io.datashard.replication;

import java.util.List;

/**
 * The result of comparing a migrated table with its source.
 *
 * @param versions metadata versions at the destination
 * @param snapshots snapshots compared (data files and row counts)
 * @param files distinct data files whose CRC32C was compared
 * @param bytes their total size (each side read in full)
 * @param rowsCurrent rows in the current snapshot
 * @param rowsAllSnapshots rows summed over every snapshot compared
 * @param problems every difference found; empty when the copy is faithful
 */
public record VerifyReport(int versions, int snapshots, int files, long bytes, long rowsCurrent,
                           long rowsAllSnapshots, List<String> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** @return whether no difference was found */
  public boolean ok() {
    return problems.isEmpty();
  }
}
