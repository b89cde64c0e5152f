package io.datashard.table;

import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.metadata.DataFile;
import io.datashard.manifest.TableFiles;
import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.RollingDataWriter;
import io.datashard.partition.Partitioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes rows into data files per partition. Unpartitioned tables get one rolling writer; partitioned tables
 * get one per partition seen, of which at most {@code maxOpenFiles} are open at once: when another partition
 * arrives, the least recently used writer is completed (its files are kept for the commit). Memory therefore
 * stays bounded by {@code maxOpenFiles} Parquet row-group buffers whatever the number of partitions.
 */
final class PartitionedDataWriter {
  private final TableFiles files;
  private final Schema schema;
  private final PartitionSpec spec;
  private final ParquetOptions options;
  private final String writeId;
  private final Partitioner partitioner;
  private final int maxOpenFiles;
  private final LinkedHashMap<List<Object>, RollingDataWriter> open = new LinkedHashMap<>(16, 0.75f, true);
  private final List<RollingDataWriter> all = new ArrayList<>();
  private final List<DataFile> completed = new ArrayList<>();
  private int fileCount;
  private final io.datashard.encryption.FileEncryptor encryptor;

  PartitionedDataWriter(TableFiles files, Schema schema, PartitionSpec spec, ParquetOptions options, String writeId,
                        int maxOpenFiles, io.datashard.encryption.FileEncryptor encryptor) {
    this.encryptor = encryptor;
    this.files = files;
    this.schema = schema;
    this.spec = spec;
    this.options = options;
    this.writeId = writeId;
    this.partitioner = spec.isUnpartitioned() ? null : new Partitioner(spec, schema);
    this.maxOpenFiles = Math.max(1, maxOpenFiles);
  }

  /**
   * @param files the table's file layout
   * @param base the table metadata whose schema, spec, Parquet options and encryption the files follow
   * @param writeId the unique part of the new files' names
   * @return a writer of new data files for that table
   */
  static PartitionedDataWriter forTable(TableFiles files, io.datashard.metadata.TableMetadata base, String writeId) {
    return new PartitionedDataWriter(files, base.schema(), base.spec(), ParquetOptions.fromProperties(base.properties()),
        writeId, base.intProperty(io.datashard.TableProperties.WRITE_MAX_OPEN_FILES,
            io.datashard.TableProperties.WRITE_MAX_OPEN_FILES_DEFAULT), files.keys().encryptor(base));
  }

  /**
   * Writes a row of an unpartitioned table as it is; the data file writer checks its values while writing them.
   *
   * @param row a row of the table's schema
   */
  void write(io.datashard.Row row) {
    if (partitioner != null) {
      throw new IllegalStateException("rows of a partitioned table are validated before they are written");
    }
    writerFor(List.of()).write(row);
  }

  void write(Object[] row) {
    List<Object> partition = partitioner == null ? List.of() : partitioner.partition(row);
    writerFor(partition).write(row);
  }

  private RollingDataWriter writerFor(List<Object> partition) {
    RollingDataWriter w = open.get(partition);
    if (w == null) {
      if (open.size() >= maxOpenFiles) {
        Map.Entry<List<Object>, RollingDataWriter> eldest = open.entrySet().iterator().next();
        open.remove(eldest.getKey());
        completeInto(eldest.getKey(), eldest.getValue());
      }
      String dir = partitioner == null ? null : partitioner.path(partition);
      w = new RollingDataWriter(files.storage(), schema, options,
          () -> files.dataFileLocation(dir, writeId, fileCount++), encryptor);
      open.put(partition, w);
      all.add(w);
    }
    return w;
  }

  private void completeInto(List<Object> partition, RollingDataWriter w) {
    for (DataFile f : w.complete()) {
      completed.add(f.toBuilder().specId(spec.specId()).partition(partition).build());
    }
  }

  /** Completes every open file. @return all data files written */
  List<DataFile> complete() {
    for (Map.Entry<List<Object>, RollingDataWriter> e : open.entrySet()) {
      completeInto(e.getKey(), e.getValue());
    }
    open.clear();
    return List.copyOf(completed);
  }

  /** Deletes every file written, completed or not. */
  void abort() {
    for (RollingDataWriter w : all) {
      w.abort();
    }
    files.deleteQuietly(completed.stream().map(DataFile::location).toList());
    open.clear();
  }
}
