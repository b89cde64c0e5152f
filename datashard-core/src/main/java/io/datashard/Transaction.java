package io.datashard;

import io.datashard.expressions.Expression;
import java.util.List;
import java.util.Map;

/**
 * Several changes committed as one snapshot, or not at all. Operations apply in order, each seeing the
 * effect of the ones before it (a {@code deleteWhere} also deletes matching rows appended earlier in the
 * transaction). Nothing is visible to readers until {@link #commit()} returns; closing an uncommitted
 * transaction deletes the files it wrote.
 * <pre>{@code
 * try (Transaction tx = table.newTransaction()) {
 *   tx.deleteWhere(Expressions.equal("day", today));
 *   tx.appendRecords(recomputedRows);
 *   tx.setProperty("last-refresh", now);
 *   tx.commit();
 * }
 * }</pre>
 * Like {@link Table#deleteWhere}, the commit fails with {@link CommitConflictException} if a concurrent commit
 * removed or rewrote a file the transaction deletes from; concurrent appends never conflict with it.
 */
public interface Transaction extends AutoCloseable {
  /** Appends records (validated as in {@link Table#appendRecords}). */
  Transaction appendRecords(List<? extends Map<String, ?>> records);

  /** Deletes the rows matching the filter (SQL semantics: rows where it is null are kept). */
  Transaction deleteWhere(Expression filter);

  /**
   * Upserts by the table's identifier fields, as {@link Table#upsert} does, seeing the transaction's earlier
   * changes (a key appended earlier in the transaction is replaced too). With {@link #appendRecords} and
   * {@link #deleteWhere} this is the row delta: inserts, deletes and key replacements committed as one snapshot.
   *
   * @throws ValidationException for a table without identifier fields, a missing or duplicate key
   */
  Transaction upsert(List<? extends Map<String, ?>> records);

  /** Sets a table property in the same commit. */
  Transaction setProperty(String key, String value);

  /** Removes a table property in the same commit. */
  Transaction removeProperty(String key);

  /**
   * Commits everything as one snapshot.
   *
   * @return the new snapshot (the current one when the transaction changed no data)
   */
  Snapshot commit();

  /** Discards the transaction if not committed, deleting the files it wrote. */
  @Override
  void close();
}
