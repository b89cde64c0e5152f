package io.datashard.table;

import io.datashard.DataShardException;
import io.datashard.Appender;
import io.datashard.Row;
import io.datashard.TableProperties;
import io.datashard.Snapshot;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.update.FastAppend;
import io.datashard.manifest.TableFiles;
import io.datashard.records.DetachedRows;
import io.datashard.records.RecordValidator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@link Appender} implementation: validates each record, streams it into rolling Parquet data files and
 * commits them with a {@link FastAppend}. Any failure before the commit succeeds deletes the data files.
 */
final class TableAppender implements Appender {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableAppender.class);
  private enum State { OPEN, FAILED, COMMITTED, CLOSED }

  private final TableOperations ops;
  private final TableFiles files;
  private final TableMetadata base;
  private final RecordValidator validator;
  private final String writeId = UUID.randomUUID().toString();
  private String branch = io.datashard.SnapshotRef.MAIN;
  private final long openedMillis = System.currentTimeMillis();
  private PartitionedDataWriter writer;
  /**
   * With group commit: the first rows of the append, validated and detached, held instead of written; the group's
   * leader writes them with the rows of the other small appends of its group into shared files. Written out to this
   * appender's own files as soon as the append grows past {@link #holdLimit} rows.
   */
  private List<Object[]> held;
  private final int holdLimit;
  private long count;
  private State state = State.OPEN;

  /** Coalesces this append's commit with concurrent ones; null: commit alone. */
  private final GroupCommit groupCommit;

  /** Told after a successful commit; null: none. */
  private final io.datashard.maintenance.Upkeep upkeep;

  TableAppender(TableOperations ops, TableFiles files, TableMetadata base, GroupCommit groupCommit) {
    this(ops, files, base, groupCommit, null);
  }

  TableAppender(TableOperations ops, TableFiles files, TableMetadata base, GroupCommit groupCommit,
      io.datashard.maintenance.Upkeep upkeep) {
    this.upkeep = upkeep;
    this.groupCommit = groupCommit != null && base.booleanProperty(TableProperties.WRITE_GROUP_COMMIT,
        TableProperties.WRITE_GROUP_COMMIT_DEFAULT) ? groupCommit : null;
    this.ops = ops;
    this.files = files;
    this.base = base;
    this.validator = new RecordValidator(base.schema());
    this.holdLimit = this.groupCommit == null ? 0 : Math.max(0, base.intProperty(
        TableProperties.WRITE_GROUP_COMMIT_SHARED_FILE_ROWS, TableProperties.WRITE_GROUP_COMMIT_SHARED_FILE_ROWS_DEFAULT));
  }

  @Override
  public Appender add(Map<String, ?> record) {
    return addAny(record);
  }

  @Override
  public Appender addObject(Object object) {
    return addAny(object);
  }

  @Override
  public Appender addAll(Iterable<? extends Map<String, ?>> records) {
    for (Object r : records) { // not Map: a raw-typed list may hold anything, and must fail validation cleanly
      addAny(r);
    }
    return this;
  }

  /** Adds a record of unchecked type; anything that is not a map fails validation. */
  Appender addAny(Object record) {
    checkOpen();
    if (writer == null && count < holdLimit) {
      try {
        Object[] row = DetachedRows.detach(base.schema(), validator.toRow(record, count));
        if (held == null) {
          held = new java.util.ArrayList<>();
        }
        held.add(row);
      } catch (RuntimeException e) {
        fail();
        throw e;
      }
      count++;
      return this;
    }
    if (record instanceof Row r && base.spec().isUnpartitioned()
        && (r.schema() == base.schema() || r.schema().sameFieldsAs(base.schema()))) {
      // A Row of the table's schema goes to the writer as it is and is checked in the writer's own walk (one pass
      // instead of validating and then writing); on a failure it is validated alone for the precise error.
      write(w -> w.write(r), r);
    } else {
      Object[] row;
      try {
        row = validator.toRow(record, count);
      } catch (RuntimeException e) {
        fail();
        throw e;
      }
      write(w -> w.write(row), null);
    }
    count++;
    return this;
  }

  /**
   * @param write what to hand to the writer
   * @param unchecked the row written unvalidated, or null: on any failure it is validated on its own, so that a bad
   *     value is reported with its path and record index as a validation error always is
   */
  private void write(java.util.function.Consumer<PartitionedDataWriter> write, Row unchecked) {
    if (writer == null) {
      startWriter();
    }
    try {
      write.accept(writer);
    } catch (RuntimeException e) {
      fail();
      if (unchecked != null) {
        validator.toRow(unchecked, count); // throws the RecordValidationException that explains the failure
      }
      throw e; // not a validation error: a storage failure or a bug
    }
  }

  /** Opens this append's own writer and writes the rows held so far into it. */
  private void startWriter() {
    writer = PartitionedDataWriter.forTable(files, base, writeId);
    if (held != null) {
      List<Object[]> rows = held;
      held = null;
      try {
        rows.forEach(writer::write);
      } catch (RuntimeException e) {
        fail();
        throw e;
      }
    }
  }

  @Override
  public Appender toBranch(String name) {
    checkOpen();
    this.branch = java.util.Objects.requireNonNull(name, "branch");
    return this;
  }

  @Override
  public long recordCount() {
    return count;
  }

  /**
   * Completes the data files without committing them, handing them (and their cleanup) to the caller.
   *
   * @return the written files (empty when nothing was added)
   */
  List<DataFile> completeWithoutCommit() {
    checkOpen();
    if (count == 0) {
      state = State.COMMITTED;
      return List.of();
    }
    try {
      if (writer == null) {
        startWriter();
      }
      List<DataFile> written = writer.complete();
      state = State.COMMITTED;
      return written;
    } catch (RuntimeException e) {
      fail();
      throw e;
    }
  }

  @Override
  public Snapshot commit() {
    checkOpen();
    if (count == 0) {
      state = State.COMMITTED;
      return ops.current().currentSnapshot();
    }
    if (writer == null) { // every row is held: the group's leader writes them with the others' (groupCommit set)
      try {
        GroupCommit.Committed c = groupCommit.commitRows(ops, files, base, branch, held, expireBeyond());
        state = State.COMMITTED;
        held = null;
        upkeepAfterCommit(c.metadata(), c.expired());
        return c.snapshot();
      } catch (RuntimeException e) {
        state = State.FAILED;
        held = null;
        throw e;
      }
    }
    List<DataFile> written;
    try {
      written = writer.complete();
    } catch (RuntimeException e) {
      fail();
      throw e;
    }
    // Orphan-file removal with a grace period shorter than this appender's life may have deleted its files.
    if (System.currentTimeMillis() - openedMillis >= base.longProperty(TableProperties.WRITE_VERIFY_FILES_AFTER_MS,
        TableProperties.WRITE_VERIFY_FILES_AFTER_MS_DEFAULT)) {
      for (DataFile f : written) {
        if (!ops.storage().exists(f.location())) {
          state = State.FAILED;
          files.deleteQuietly(written.stream().map(DataFile::location).toList());
          throw new DataShardException("table " + ops.tableName() + ": data file " + f.location() + " of this "
              + "append (open since " + java.time.Instant.ofEpochMilli(openedMillis) + ") was deleted before the "
              + "commit, probably by orphan-file removal with a shorter grace period; nothing was committed");
        }
      }
    }
    try {
      Snapshot s; // a failed commit deletes its files itself
      TableMetadata after;
      List<Snapshot> expired;
      if (groupCommit != null) {
        GroupCommit.Committed c = groupCommit.commit(ops, files, base.schema(), branch, written, expireBeyond());
        s = c.snapshot();
        after = c.metadata();
        expired = c.expired();
      } else {
        FastAppend append = new FastAppend(ops, files, base.schema()).toBranch(branch)
            .expiringBeyond(expireBeyond());
        written.forEach(append::appendFile);
        s = append.commit();
        after = ops.current();
        expired = append.expired();
      }
      state = State.COMMITTED;
      upkeepAfterCommit(after, expired);
      return s;
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * The snapshot limit this append's version may expire beyond: upkeep's, when upkeep will delete what the expired
   * snapshots leave unreachable ({@link io.datashard.maintenance.Upkeep#appendsExpireBeyond}); 0 otherwise.
   */
  private int expireBeyond() {
    return upkeep == null ? 0 : upkeep.appendsExpireBeyond(base);
  }

  /** The one place upkeep hears of commits: it only schedules background work, never delays the caller. */
  private void upkeepAfterCommit(TableMetadata committed, List<Snapshot> expired) {
    if (upkeep != null) {
      upkeep.committed(ops, files, committed, expired);
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new ValidationException("appender is " + state.name().toLowerCase(java.util.Locale.ROOT)
          + "; start a new append with table.newAppend()");
    }
  }

  private void fail() {
    state = State.FAILED;
    held = null;
    if (writer != null) {
      writer.abort();
    }
  }

  @Override
  public void close() {
    if (state == State.OPEN) {
      if (count > 0) {
        LOG.warn("table {}: appender closed without commit(): its {} record(s) were discarded and its files "
            + "deleted", ops.tableName(), count);
      }
      fail();
    }
    state = state == State.COMMITTED ? State.COMMITTED : State.CLOSED;
  }
}
