package io.datashard.update;

import io.datashard.manifest.TableFiles;
import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.expressions.Binder;
import io.datashard.expressions.Evaluator;
import io.datashard.expressions.Expression;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.partition.Partitioner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Copy-on-write deletion: finds the files a filter touches and decides, file by file, whether to drop the
 * whole file (every live row matches), rewrite it without the matching rows (some match), or leave it (none
 * match). Rows already deleted by delete files (merge-on-read deletes of another engine) are not live: they are
 * neither counted nor copied, so the rewrite carries those deletes out. Matching follows SQL: a row whose filter evaluates to null (for example {@code x = 5} with x null)
 * is kept.
 */
public final class RowDeletion {
  private final TableFiles files;
  private final TableMetadata base;
  private final Evaluator matches;
  private final Schema schema;
  private final String writeId = UUID.randomUUID().toString();
  private final List<DataFile> removed = new ArrayList<>();
  private final List<DataFile> added = new ArrayList<>();
  private long deletedRows;
  private java.util.Set<String> liveInBase;
  private int fileNumber;

  /**
   * @param files the table's files
   * @param base the version whose data the filter is evaluated on
   * @param filter rows to delete
   */
  public RowDeletion(TableFiles files, TableMetadata base, Expression filter) {
    this.files = files;
    this.base = base;
    this.schema = base.schema();
    this.matches = new Evaluator(schema, Binder.bind(schema, filter));
  }

  /**
   * Applies the deletion to candidate files (files the filter cannot match may be omitted).
   *
   * @return this
   */
  public RowDeletion apply(Collection<DataFile> candidates) {
    for (DataFile f : candidates) {
      long matched = 0;
      long total = 0;
      try (CloseableIterator<Row> it = read(f)) {   // pass 1: count, holding nothing
        while (it.hasNext()) {
          total++;
          if (matches.test(it.next())) {
            matched++;
          }
        }
      }
      if (matched == 0) {
        continue;
      }
      deletedRows += matched;
      removed.add(f);
      if (matched < total) {
        added.addAll(rewrite(f));                        // pass 2: stream the survivors
      }
    }
    return this;
  }

  /**
   * @return the file's live rows: for a file of the base snapshot, the delete files that apply to it (written by
   *     any engine) applied; a file not yet committed (written earlier in the same transaction) as written
   */
  private CloseableIterator<Row> read(DataFile f) {
    if (liveInBase == null) {
      liveInBase = ReplaceFiles.liveFiles(files, base).keySet();
    }
    if (liveInBase.contains(f.location())) {
      return io.datashard.scan.SnapshotScan.liveRowsWithLineage(files, base, List.of(f));
    }
    // not committed yet: no lineage (its columns read as null: the rows get ids when they commit)
    return io.datashard.parquet.DataFileReader.read(files.storage().newInputFile(f.location(), f.fileSizeInBytes()),
        writeSchema(), files.keys().decryption(f));
  }

  /** @return the schema surviving rows are written with: in format version 3, with each row's lineage */
  private Schema writeSchema() {
    return base.formatVersion() >= 3 ? io.datashard.MetadataColumns.withRowLineage(schema) : schema;
  }

  private List<DataFile> rewrite(DataFile original) {
    PartitionSpec spec = base.specById(original.specId());
    String path = spec == null || spec.isUnpartitioned() ? null : new Partitioner(spec, schema).path(original.partition());
    RollingDataWriter w = new RollingDataWriter(files.storage(), writeSchema(), ParquetOptions.fromProperties(base.properties()),
        () -> files.dataFileLocation(path, writeId, fileNumber++), files.keys().encryptor(base));
    List<DataFile> out = new ArrayList<>();
    try {
      try (CloseableIterator<Row> it = read(original)) {
        while (it.hasNext()) {
          Row r = it.next();
          if (!matches.test(r)) {
            w.write(r);
          }
        }
      }
      for (DataFile f : w.complete()) {
        out.add(f.toBuilder().specId(original.specId()).partition(original.partition()).build());
      }
    } finally {
      w.close();
    }
    return out;
  }

  /** @return files to remove */
  public List<DataFile> removed() {
    return removed;
  }

  /** @return rewritten files holding the rows that survive */
  public List<DataFile> added() {
    return added;
  }

  /** @return rows deleted */
  public long deletedRows() {
    return deletedRows;
  }

  /** Deletes the rewritten files (when the change is abandoned). */
  public void abort() {
    files.deleteQuietly(added.stream().map(DataFile::location).toList());
  }
}
