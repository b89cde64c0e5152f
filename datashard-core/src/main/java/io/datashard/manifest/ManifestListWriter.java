package io.datashard.manifest;

import io.datashard.StorageException;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.PartitionFieldSummary;
import io.datashard.storage.OutputFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Iceberg v2 manifest list of one snapshot: an Avro file of {@code manifest_file} rows.
 *
 * <p>A manifest whose sequence number is {@link ManifestWriter#UNASSIGNED_SEQ} is new in this snapshot: it
 * is written with the snapshot's sequence number, with that number as its minimum sequence number when the
 * minimum is unassigned too, and with this snapshot's id as {@code added_snapshot_id} (its entries inherit
 * that id). This is what lets a commit retry with a new sequence number, or a new snapshot id, by writing
 * only a new manifest list. Manifests with assigned sequence numbers are written unchanged.
 *
 * <p>File metadata: {@code snapshot-id}, {@code parent-snapshot-id} (the string {@code null} when there is
 * no parent, as Iceberg writes it), {@code sequence-number}, {@code format-version} ({@code 2}). Deflate
 * codec. Not thread-safe.
 */
public final class ManifestListWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestListWriter.class);

  private final String location;
  private final long snapshotId;
  private final long sequenceNumber;
  private final Schema schema;
  private final int formatVersion;
  /** The row id the next data manifest without one is assigned (format version 3), or null. */
  private Long nextRowId;
  private final Schema summarySchema;
  private final AvroMetadataSink sink;
  private final List<ManifestFile> written = new ArrayList<>();
  private ManifestListFile result;

  private ManifestListWriter(OutputFile file, long snapshotId, Long parentSnapshotId, long sequenceNumber,
                             int formatVersion, Long firstRowId) {
    if (formatVersion >= 3 && firstRowId == null) {
      throw new IllegalArgumentException("a format version 3 manifest list needs the snapshot's first row id");
    }
    this.formatVersion = formatVersion;
    this.schema = ManifestSchemas.manifestListSchema(formatVersion);
    this.nextRowId = formatVersion >= 3 ? firstRowId : null;
    if (sequenceNumber < 0) {
      throw new IllegalArgumentException("snapshot sequence number must not be negative, got " + sequenceNumber);
    }
    this.location = file.location();
    this.snapshotId = snapshotId;
    this.sequenceNumber = sequenceNumber;
    this.summarySchema = ManifestWriter.nonNull(schema.getField("partitions").schema()).getElementType();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("snapshot-id", String.valueOf(snapshotId));
    meta.put("parent-snapshot-id", String.valueOf(parentSnapshotId));
    meta.put("sequence-number", String.valueOf(sequenceNumber));
    meta.put("format-version", String.valueOf(Math.max(2, formatVersion)));
    if (formatVersion >= 3) {
      meta.put("first-row-id", String.valueOf(firstRowId));
    }
    this.sink = new AvroMetadataSink(file, schema, meta, "manifest list");
  }

  /**
   * Opens a manifest list for writing.
   *
   * @param file where to write (a new, unique name per commit attempt)
   * @param snapshotId the snapshot the list belongs to
   * @param parentSnapshotId the parent snapshot, or null
   * @param sequenceNumber the snapshot's sequence number (assigned to new manifests)
   * @return an open writer
   */
  public static ManifestListWriter create(OutputFile file, long snapshotId, Long parentSnapshotId,
                                          long sequenceNumber) {
    return new ManifestListWriter(file, snapshotId, parentSnapshotId, sequenceNumber, 2, null);
  }

  /**
   * Opens a manifest list of a table's format version. In version 3 every data manifest without a
   * {@code first_row_id} is assigned one, from {@code firstRowId} on, each after the added and existing rows of
   * the one before (the spec's first-row-id assignment); {@link #nextRowId()} is then the table's next row id.
   *
   * @param firstRowId the snapshot's first row id (the table's next row id before it), for version 3
   */
  public static ManifestListWriter create(OutputFile file, long snapshotId, Long parentSnapshotId,
                                          long sequenceNumber, int formatVersion, Long firstRowId) {
    return new ManifestListWriter(file, snapshotId, parentSnapshotId, sequenceNumber, formatVersion, firstRowId);
  }

  /** @return (format version 3) the row id after the last one this list assigned; null for earlier versions */
  public Long nextRowId() {
    return nextRowId;
  }

  /**
   * Writes a whole manifest list in one call.
   *
   * @return the written list
   */
  public static ManifestListFile write(OutputFile file, long snapshotId, Long parentSnapshotId, long sequenceNumber,
                                       List<ManifestFile> manifests) {
    return write(file, snapshotId, parentSnapshotId, sequenceNumber, manifests, 2, null);
  }

  /** Writes a whole manifest list of a format version in one call (see {@link #create(OutputFile, long, Long,
   * long, int, Long)}). */
  public static ManifestListFile write(OutputFile file, long snapshotId, Long parentSnapshotId, long sequenceNumber,
                                       List<ManifestFile> manifests, int formatVersion, Long firstRowId) {
    ManifestListWriter w = create(file, snapshotId, parentSnapshotId, sequenceNumber, formatVersion, firstRowId);
    try (w) {
      for (ManifestFile m : manifests) {
        w.add(m);
      }
    }
    return w.result();
  }

  /**
   * Adds a manifest, assigning sequence numbers and snapshot id when they are unassigned.
   *
   * @throws StorageException when writing fails
   */
  public void add(ManifestFile manifest) {
    if (sink.isClosed()) {
      throw new IllegalStateException("manifest list writer for " + location + " is closed");
    }
    ManifestFile m = assignRowIds(resolve(manifest));
    GenericData.Record r = new GenericData.Record(schema);
    r.put(0, m.location());
    r.put(1, m.length());
    r.put(2, m.specId());
    r.put(3, m.content());
    r.put(4, m.sequenceNumber());
    r.put(5, m.minSequenceNumber());
    r.put(6, m.addedSnapshotId());
    r.put(7, m.addedFilesCount());
    r.put(8, m.existingFilesCount());
    r.put(9, m.deletedFilesCount());
    r.put(10, m.addedRowsCount());
    r.put(11, m.existingRowsCount());
    r.put(12, m.deletedRowsCount());
    r.put(13, summaries(m.partitions()));
    r.put(14, null); // key_metadata: no encryption
    if (formatVersion >= 3) {
      r.put(15, m.firstRowId());
    }
    sink.append(r);
    written.add(m);
  }

  private ManifestFile assignRowIds(ManifestFile m) {
    if (nextRowId == null || !needsRowIds(m)) {
      return m;
    }
    ManifestFile assigned = m.withFirstRowId(nextRowId);
    nextRowId += rowIdsOf(m);
    return assigned;
  }

  /**
   * The spec's first-row-id assignment, for a list about to be written elsewhere (a REST server moving an append):
   * each data manifest without a {@code first_row_id} gets one, in list order, after the added and existing rows of
   * the one before.
   *
   * @param manifests the list, changed in place
   * @param firstRowId the first id to assign (the table's next row id)
   * @return the row ids assigned
   * @throws IllegalArgumentException when a manifest to assign has no row counts (from a version 1 list)
   */
  public static long assignRowIds(List<ManifestFile> manifests, long firstRowId) {
    long next = firstRowId;
    for (int i = 0; i < manifests.size(); i++) {
      ManifestFile m = manifests.get(i);
      if (needsRowIds(m)) {
        manifests.set(i, m.withFirstRowId(next));
        next += rowIdsOf(m);
      }
    }
    return next - firstRowId;
  }

  private static boolean needsRowIds(ManifestFile m) {
    return m.content() == ManifestFile.CONTENT_DATA && m.firstRowId() == null;
  }

  private static long rowIdsOf(ManifestFile m) {
    if (m.addedRowsCount() < 0 || m.existingRowsCount() < 0) {
      throw new IllegalArgumentException("manifest " + m.location() + " has no row counts (a version 1 list): its "
          + "rows cannot be assigned row ids");
    }
    return m.addedRowsCount() + m.existingRowsCount();
  }

  private ManifestFile resolve(ManifestFile m) {
    if (m.sequenceNumber() != ManifestWriter.UNASSIGNED_SEQ) {
      if (m.sequenceNumber() < 0 || m.minSequenceNumber() < 0) {
        throw new IllegalArgumentException("manifest " + m.location() + " has an invalid sequence number "
            + m.sequenceNumber() + " / min " + m.minSequenceNumber());
      }
      return m;
    }
    long minSeq = m.minSequenceNumber() == ManifestWriter.UNASSIGNED_SEQ ? sequenceNumber : m.minSequenceNumber();
    if (m.addedSnapshotId() != snapshotId) {
      LOG.debug("manifest {} was written for snapshot {}; listing it as added by snapshot {}", m.location(),
          m.addedSnapshotId(), snapshotId);
    }
    return new ManifestFile(m.location(), m.length(), m.specId(), m.content(), sequenceNumber, minSeq, snapshotId,
        m.addedFilesCount(), m.existingFilesCount(), m.deletedFilesCount(), m.addedRowsCount(),
        m.existingRowsCount(), m.deletedRowsCount(), m.partitions(), m.firstRowId());
  }

  private List<GenericData.Record> summaries(List<PartitionFieldSummary> partitions) {
    // Iceberg writes an empty list for an unpartitioned manifest.
    List<GenericData.Record> out = new ArrayList<>(partitions.size());
    for (PartitionFieldSummary s : partitions) {
      GenericData.Record r = new GenericData.Record(summarySchema);
      r.put(0, s.containsNull());
      r.put(1, s.containsNan());
      r.put(2, s.lowerBound() == null ? null : s.lowerBound().duplicate());
      r.put(3, s.upperBound() == null ? null : s.upperBound().duplicate());
      out.add(r);
    }
    return out;
  }

  /**
   * Finishes the file. Idempotent.
   *
   * @throws StorageException when the file cannot be completed
   */
  @Override
  public void close() {
    if (sink.close()) {
      result = new ManifestListFile(location, sink.length(), written);
    }
  }

  /**
   * @return the written list
   * @throws IllegalStateException when the writer is not closed yet
   */
  public ManifestListFile result() {
    if (result == null) {
      throw new IllegalStateException("close the manifest list writer for " + location + " first");
    }
    return result;
  }
}
