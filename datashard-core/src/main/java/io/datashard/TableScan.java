package io.datashard;

import io.datashard.expressions.Expression;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A read of one snapshot of a table. Configure with the methods returning {@code TableScan} (each returns a
 * new, immutable scan), then run with {@link #toList()}, {@link #iterator()}, {@link #stream()},
 * {@link #batches(int)} or {@link #count()}; each run may be followed by {@link #report()}.
 *
 * <pre>{@code
 * TableScan scan = table.scan()
 *     .filter(Expressions.and(Expressions.equal("event", "login"), Expressions.greaterThan("user_id", 100)))
 *     .select("user_id", "ts");
 * try (CloseableIterator<Row> rows = scan.iterator()) {
 *   while (rows.hasNext()) { ... }
 * }
 * System.out.println(scan.report()); // files pruned/read, row groups skipped, bytes read, rows returned
 * }</pre>
 *
 * <p>A filtered scan reads only what it must: manifests whose partition summaries exclude the filter are
 * skipped, data files whose partition values or column statistics (bounds, null and NaN counts) exclude it
 * are never opened, Parquet row groups whose statistics exclude it are never read, and the remaining rows are
 * filtered exactly. Rows come back in commit order (oldest data first), in file order within a commit, with
 * or without {@link #parallelism(int) parallel reading}.
 */
public interface TableScan {

  /**
   * @param columns table columns, dotted paths into structs, or {@link MetadataColumns metadata columns}
   *     ({@code _file}, {@code _pos}, {@code _spec_id}, {@code _row_id}, {@code _last_updated_sequence_number})
   * @return a scan returning only these columns, in this order (unknown names are rejected)
   */
  TableScan select(String... columns);

  /** @see #select(String...) */
  TableScan select(List<String> columns);

  /**
   * @param snapshotId a snapshot of the table
   * @return a scan of that snapshot (time travel), returning the columns of the schema that was current when
   *     the snapshot was committed unless columns were selected
   * @throws ValidationException when the table has no such snapshot (unknown or expired)
   */
  TableScan useSnapshot(long snapshotId);

  /**
   * @param instant a moment
   * @return a scan of the snapshot that was current at that moment
   * @throws ValidationException when the table had no snapshot then
   */
  TableScan asOfTime(Instant instant);

  /**
   * Reads the snapshot a branch or tag points at ({@code "main"} is the current snapshot).
   *
   * @throws ValidationException when the table has no such branch or tag
   */
  TableScan useRef(String name);

  /**
   * Keeps only rows matching a filter; called more than once, keeps rows matching every filter. Columns the
   * filter uses need not be selected: they are read for filtering and not returned.
   *
   * @param expr an expression built with {@link io.datashard.expressions.Expressions}
   * @return a scan with the filter
   * @throws ValidationException when the filter names an unknown column, applies an operation to a column
   *     of the wrong type, or has a literal that cannot be converted to its column's type (the message names
   *     the column)
   */
  TableScan filter(Expression expr);

  /** @return the filter as given (unbound), or {@code Expressions.alwaysTrue()} when there is none */
  Expression filter();

  /**
   * Reads up to {@code threads} data files at once on a pool private to each run. The rows and their order
   * are the same as with sequential reading; memory stays bounded (a few batches of rows per file in
   * flight). Default 1 (sequential, on the caller's thread).
   *
   * @param threads 1 or more
   * @return a scan reading in parallel
   */
  TableScan parallelism(int threads);

  /**
   * Returns at most {@code rows} rows (in the scan's order: oldest commit first). Reading stops, and its files are
   * closed, once that many rows were returned; {@link #count()} counts at most that many.
   *
   * @param rows 0 or more
   * @throws ValidationException when negative
   */
  TableScan limit(long rows);

  /** @return the schema of the rows this scan returns */
  Schema schema();

  /** @return the snapshot read, or null when the table is empty */
  Snapshot snapshot();

  /** @return all matching rows, in memory */
  List<Row> toList();

  /**
   * Reads rows as plain Java objects, mapped by name: {@code record} components (or class properties) to columns,
   * nested records to structs, {@code List}s to lists, {@code Map}s to maps; only those columns are read. Column
   * values convert to the declared types where no information is lost ({@code int} to {@code long},
   * {@code timestamptz} to {@code Instant}, {@code binary} to {@code byte[]}, a string to an enum).
   *
   * @param type a record class, or a class with a constructor without parameters
   * @param <T> the class
   * @return the typed scan
   * @throws ValidationException when a property has no column of its name
   */
  <T> TypedScan<T> as(Class<T> type);

  /** @return a streaming iterator holding at most one open data file; close it */
  CloseableIterator<Row> iterator();

  /** @return a stream over the rows; close it (try-with-resources) to release files */
  Stream<Row> stream();

  /**
   * @param size the number of rows per batch (the last batch may be smaller), at least 1
   * @return a streaming iterator over lists of rows; close it
   */
  CloseableIterator<List<Row>> batches(int size);

  /**
   * @return the number of matching rows: from metadata without opening any data file when there is no
   *     filter; otherwise pruned as a scan is and reading only the filter's columns
   */
  long count();

  /**
   * @return what the most recent run of this scan object ({@link #toList()}, {@link #iterator()},
   *     {@link #count()}...) did: files considered, pruned and read, row groups skipped, bytes read, rows
   *     returned; updated while an iterator is consumed; null before the first run. The same report is
   *     logged at DEBUG level by {@code io.datashard.scan.SnapshotScan} when a run finishes.
   */
  ScanReport report();

  /**
   * Plans the scan without reading rows: the live data files of the scanned snapshot that the filter's partition
   * and column-statistics pruning keeps, each with the delete files that apply to it. The files a scan reads,
   * for tools that inspect a table or hand its files to another reader.
   *
   * @return the planned files, in the order a scan reads them
   */
  java.util.List<FileScanTask> planFiles();

  /**
   * Prints the first 20 rows as an aligned text table with column names and types (for JShell and quick
   * looks; long values are cut). {@code table.scan().filter(...).show()}.
   */
  default void show() {
    show(20);
  }

  /**
   * Prints up to {@code maxRows} rows as an aligned text table with column names and types, followed by a line
   * saying how many rows were shown.
   *
   * @param maxRows the most rows printed
   */
  default void show(int maxRows) {
    System.out.print(showString(maxRows));
  }

  /**
   * @param maxRows the most rows rendered (at least 0)
   * @return what {@link #show(int)} prints: an aligned text table with column names and types, values longer
   *     than 40 characters cut, and a last line saying how many rows were shown
   * @throws ValidationException when {@code maxRows} is negative
   */
  String showString(int maxRows);
}
