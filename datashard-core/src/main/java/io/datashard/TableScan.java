package io.datashard;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A read of one snapshot of a table. Configure with the methods returning {@code TableScan} (each returns a
 * new, immutable scan), then run with {@link #toList()}, {@link #iterator()}, {@link #stream()} or
 * {@link #count()}.
 */
public interface TableScan {

  /** @return a scan returning only these columns, in this order (unknown names are rejected) */
  TableScan select(String... columns);

  /** @see #select(String...) */
  TableScan select(List<String> columns);

  /**
   * @param snapshotId a snapshot of the table
   * @return a scan of that snapshot (time travel)
   * @throws ValidationException when the table has no such snapshot (unknown or expired)
   */
  TableScan useSnapshot(long snapshotId);

  /**
   * @param instant a moment
   * @return a scan of the snapshot that was current at that moment
   * @throws ValidationException when the table had no snapshot then
   */
  TableScan asOfTime(Instant instant);

  /** @return the schema of the rows this scan returns */
  Schema schema();

  /** @return the snapshot read, or null when the table is empty */
  Snapshot snapshot();

  /** @return all matching rows, in memory */
  List<Record> toList();

  /** @return a streaming iterator holding at most one open data file; close it */
  CloseableIterator<Record> iterator();

  /** @return a stream over the rows; close it (try-with-resources) to release files */
  Stream<Record> stream();

  /** @return the number of rows, from metadata when possible */
  long count();
}
