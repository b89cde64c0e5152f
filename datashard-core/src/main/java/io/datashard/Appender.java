package io.datashard;

import java.util.Map;

/**
 * Streams records into new data files and commits them as one snapshot. Memory stays bounded however many
 * records are added: rows go to Parquet row groups as they come, and the appender rolls to a new data file
 * at the table's target file size ({@code write.target-file-size-bytes}).
 *
 * <p>Nothing is visible to readers until {@link #commit()} returns. Closing an appender that was not
 * committed (including after a validation error) deletes the files it wrote; the table is unchanged.
 * <pre>{@code
 * try (Appender a = table.newAppend()) {
 *   for (Map<String, Object> r : source) { a.add(r); }
 *   Snapshot s = a.commit();
 * }
 * }</pre>
 * Not thread-safe: use one appender per thread.
 */
public interface Appender extends AutoCloseable {

  /**
   * Validates and writes one record.
   *
   * @param record column name to value (a {@link Row} is a map)
   * @return this appender
   * @throws RecordValidationException when the record does not fit the schema (the appender is then
   *     failed: close it; the table stays unchanged)
   */
  Appender add(Map<String, ?> record);

  /** Adds every record of an iterable, in order. */
  /**
   * Adds a plain Java object: a {@code record} by its components, another class by its properties (getters or
   * fields); nested records become structs, collections lists, maps maps, enums strings. Validated like a map.
   *
   * @param object the object
   * @return this
   * @throws RecordValidationException when it does not fit the schema (the appender is then unusable)
   */
  Appender addObject(Object object);

  default Appender addAll(Iterable<? extends Map<String, ?>> records) {
    for (Map<String, ?> r : records) {
      add(r);
    }
    return this;
  }

  /** @return records added so far */
  long recordCount();

  /**
   * Commits to a branch instead of {@code main} (write-audit-publish: append to a branch, check it with
   * {@code scan().useRef(branch)}, then {@code manageSnapshots().fastForwardBranch("main", branch)}). A branch
   * that does not exist is created at the commit, starting from the current snapshot's history.
   *
   * @param branch the branch's name
   * @return this appender
   */
  Appender toBranch(String branch);

  /**
   * Commits everything added as one snapshot, retrying against concurrent writers as the table's commit
   * properties allow.
   *
   * @return the new snapshot
   * @throws CommitConflictException when the retries ran out (nothing was committed)
   */
  Snapshot commit();

  /**
   * Ends the appender. If {@link #commit()} was not called (or failed), everything added is discarded: nothing is
   * committed and the files written so far are deleted; when records had been added this is logged as a warning,
   * since it usually means a forgotten {@code commit()}. Use try-with-resources, and call {@code commit()} last.
   */
  @Override
  void close();
}
