package io.datashard.manifest;

import io.datashard.metadata.TableMetadataParser;

import io.datashard.PartitionSpec;
import io.datashard.StorageException;
import io.datashard.Type;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.OutputFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Iceberg v2 manifest: an Avro file of {@code manifest_entry} rows for data files of a single
 * partition spec. Not thread-safe; use one writer per manifest, in try-with-resources.
 *
 * <p>Entries this writer's snapshot adds or deletes are written with a null {@code snapshot_id}, and added
 * entries with null sequence numbers, so they inherit the values the manifest list records for the
 * manifest (spec, "Sequence Number Inheritance"). The manifest can therefore be written once and reused by
 * every commit attempt; only the manifest list changes. Because of that, {@link #toManifestFile()} returns
 * sequence numbers set to {@link #UNASSIGNED_SEQ}, which {@link ManifestListWriter} replaces by the
 * snapshot's sequence number.
 *
 * <p>File format: Avro object container, deflate codec, the schema of
 * {@link ManifestSchemas#entrySchema(PartitionSpec, io.datashard.Schema)}, and key-value metadata
 * {@code schema}, {@code schema-id}, {@code partition-spec}, {@code partition-spec-id},
 * {@code format-version} ({@code 2}) and {@code content} ({@code data}).
 */
public final class ManifestWriter implements AutoCloseable {
  /**
   * Sequence number meaning "not assigned yet; the commit assigns it" (the same value Iceberg uses).
   * Appears in {@link ManifestFile#sequenceNumber()} and {@link ManifestFile#minSequenceNumber()} of a
   * manifest that has not been written into a manifest list; never written to a file.
   */
  public static final long UNASSIGNED_SEQ = -1L;

  /** Deflate level for manifests and manifest lists: Avro's deflate codec, readable by every Iceberg reader. */
  static final int DEFLATE_LEVEL = 6;

  private static final Logger LOG = LoggerFactory.getLogger(ManifestWriter.class);

  private final String location;
  private final PartitionSpec spec;
  private final List<Type> partitionTypes;
  private final long snapshotId;
  private final Schema entrySchema;
  private final Schema dataFileSchema;
  private final Schema partitionSchema;
  private final Schema[] partitionFieldSchemas;
  private final Schema[] mapEntrySchemas = new Schema[6];
  private final AvroMetadataSink sink;
  private final PartitionSummaryBuilder summaries;

  private int addedFiles;
  private int existingFiles;
  private int deletedFiles;
  private long addedRows;
  private long existingRows;
  private long deletedRows;
  private Long minDataSequenceNumber;
  private ManifestFile result;
  private final int content;

  private final int formatVersion;

  private ManifestWriter(OutputFile file, PartitionSpec spec, io.datashard.Schema tableSchema, long snapshotId,
                         int content, int formatVersion) {
    this.content = content;
    this.formatVersion = formatVersion;
    this.location = file.location();
    this.spec = spec;
    this.snapshotId = snapshotId;
    this.partitionTypes = spec.isUnpartitioned() ? List.of() : ManifestSchemas.partitionTypes(spec, tableSchema);
    this.entrySchema = ManifestSchemas.entrySchema(spec, tableSchema, formatVersion);
    this.dataFileSchema = entrySchema.getField("data_file").schema();
    this.partitionSchema = dataFileSchema.getField("partition").schema();
    this.partitionFieldSchemas = new Schema[partitionTypes.size()];
    for (int i = 0; i < partitionFieldSchemas.length; i++) {
      partitionFieldSchemas[i] = nonNull(partitionSchema.getFields().get(i).schema());
    }
    for (int i = 0; i < MAP_FIELDS.length; i++) {
      mapEntrySchemas[i] = nonNull(dataFileSchema.getField(MAP_FIELDS[i]).schema()).getElementType();
    }
    this.summaries = new PartitionSummaryBuilder(partitionTypes);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("schema", TableMetadataParser.schemaToJson(tableSchema));
    meta.put("schema-id", String.valueOf(tableSchema.schemaId()));
    meta.put("partition-spec", TableMetadataParser.partitionFieldsToJson(spec));
    meta.put("partition-spec-id", String.valueOf(spec.specId()));
    meta.put("format-version", String.valueOf(Math.max(2, formatVersion)));
    meta.put("content", content == ManifestFile.CONTENT_DATA ? "data" : "deletes");
    this.sink = new AvroMetadataSink(file, entrySchema, meta, "manifest");
  }

  private static final String[] MAP_FIELDS = {
      "column_sizes", "value_counts", "null_value_counts", "nan_value_counts", "lower_bounds", "upper_bounds"};

  /**
   * Opens a manifest for writing.
   *
   * @param file where to write (a new, unique name)
   * @param spec the partition spec of every file the manifest will hold
   * @param tableSchema the table schema (recorded in the manifest; the spec's source ids refer to it)
   * @param snapshotId the id of the snapshot that adds this manifest
   * @return an open writer
   * @throws IllegalArgumentException when the spec does not fit the schema
   * @throws StorageException when the file cannot be created
   */
  public static ManifestWriter create(OutputFile file, PartitionSpec spec, io.datashard.Schema tableSchema,
                                      long snapshotId) {
    return new ManifestWriter(file, spec, tableSchema, snapshotId, ManifestFile.CONTENT_DATA, 2);
  }

  /**
   * Opens a manifest of a table's format version: in version 3 each data file's {@code first_row_id} is written
   * when known (files carried into a new manifest keep their row ids) and deletion vectors keep their blob's
   * offset and length.
   *
   * @param deletes whether it is a delete manifest
   */
  public static ManifestWriter create(OutputFile file, PartitionSpec spec, io.datashard.Schema tableSchema,
                                      long snapshotId, boolean deletes, int formatVersion) {
    return new ManifestWriter(file, spec, tableSchema, snapshotId,
        deletes ? ManifestFile.CONTENT_DELETES : ManifestFile.CONTENT_DATA, formatVersion);
  }

  /**
   * Opens a delete manifest (content {@code deletes}) for position or equality delete files, as
   * {@link #create} opens a data manifest.
   */
  public static ManifestWriter createForDeletes(OutputFile file, PartitionSpec spec, io.datashard.Schema tableSchema,
                                                long snapshotId) {
    return new ManifestWriter(file, spec, tableSchema, snapshotId, ManifestFile.CONTENT_DELETES, 2);
  }

  /** @return the location of the manifest being written */
  public String location() {
    return location;
  }

  /**
   * Adds a file as ADDED by this writer's snapshot; its snapshot id and sequence numbers are inherited.
   *
   * @param file a data file of this writer's partition spec
   */
  public void add(DataFile file) {
    write(new ManifestEntry(ManifestEntry.ADDED, null, null, null, file));
  }

  /**
   * Adds a file as ADDED with an explicit data sequence number (its data logically belongs to an older
   * commit); the file sequence number is still inherited.
   */
  public void add(DataFile file, long dataSequenceNumber) {
    write(new ManifestEntry(ManifestEntry.ADDED, null, dataSequenceNumber, null, file));
  }

  /**
   * Carries a file over from an earlier manifest as EXISTING, keeping the values it was committed with.
   *
   * @param file the data file
   * @param fileSnapshotId the snapshot that added the file
   * @param dataSequenceNumber its data sequence number
   * @param fileSequenceNumber its file sequence number
   */
  public void existing(DataFile file, long fileSnapshotId, long dataSequenceNumber, long fileSequenceNumber) {
    write(new ManifestEntry(ManifestEntry.EXISTING, fileSnapshotId, dataSequenceNumber, fileSequenceNumber, file));
  }

  /**
   * Marks a file DELETED by this writer's snapshot (its snapshot id is inherited), keeping the sequence
   * numbers it was committed with.
   */
  public void delete(DataFile file, long dataSequenceNumber, long fileSequenceNumber) {
    write(new ManifestEntry(ManifestEntry.DELETED, null, dataSequenceNumber, fileSequenceNumber, file));
  }

  /**
   * Writes an entry as given. Null snapshot id or sequence numbers are written as null (inherited on read);
   * the spec allows null sequence numbers only on ADDED entries.
   *
   * @throws IllegalArgumentException when the entry breaks a spec rule or does not match this manifest's
   *     partition spec
   * @throws StorageException when writing fails
   */
  public void write(ManifestEntry entry) {
    if (sink.isClosed()) {
      throw new IllegalStateException("manifest writer for " + location + " is closed");
    }
    DataFile f = entry.file();
    if ((f.content() == DataFile.CONTENT_DATA) != (content == ManifestFile.CONTENT_DATA)) {
      throw new IllegalArgumentException((content == ManifestFile.CONTENT_DATA ? "only data files can be written to "
          + "a data manifest" : "only delete files can be written to a delete manifest") + ", got content "
          + f.content() + " for " + f.location());
    }
    if (f.specId() != spec.specId()) {
      throw new IllegalArgumentException("file " + f.location() + " has partition spec id " + f.specId()
          + " but the manifest is for spec id " + spec.specId());
    }
    if (f.partition().size() != partitionTypes.size()) {
      throw new IllegalArgumentException("file " + f.location() + " has " + f.partition().size()
          + " partition values but the spec has " + partitionTypes.size() + " fields");
    }
    if (entry.status() != ManifestEntry.ADDED
        && (entry.dataSequenceNumber() == null || entry.fileSequenceNumber() == null)) {
      throw new IllegalArgumentException("EXISTING and DELETED entries must carry both sequence numbers ("
          + f.location() + ")");
    }
    if (entry.status() == ManifestEntry.EXISTING && entry.snapshotId() == null) {
      throw new IllegalArgumentException("EXISTING entries must carry the snapshot id that added the file ("
          + f.location() + ")");
    }

    List<Object> partition = normalizedPartition(f);
    GenericData.Record r = new GenericData.Record(entrySchema);
    r.put(0, entry.status());
    r.put(1, entry.snapshotId());
    r.put(2, entry.dataSequenceNumber());
    r.put(3, entry.fileSequenceNumber());
    r.put(4, dataFileRecord(f, partition));
    sink.append(r);

    summaries.update(partition);
    long rows = f.recordCount();
    switch (entry.status()) {
      case ManifestEntry.ADDED:
        addedFiles++;
        addedRows += rows;
        break;
      case ManifestEntry.EXISTING:
        existingFiles++;
        existingRows += rows;
        break;
      default:
        deletedFiles++;
        deletedRows += rows;
        break;
    }
    Long seq = entry.dataSequenceNumber();
    if (entry.isLive() && seq != null && (minDataSequenceNumber == null || seq < minDataSequenceNumber)) {
      minDataSequenceNumber = seq;
    }
  }

  private List<Object> normalizedPartition(DataFile f) {
    if (partitionTypes.isEmpty()) {
      return List.of();
    }
    List<Object> values = new ArrayList<>(partitionTypes.size());
    for (int i = 0; i < partitionTypes.size(); i++) {
      values.add(PartitionValues.normalize(partitionTypes.get(i), f.partition().get(i)));
    }
    return values;
  }

  private GenericData.Record dataFileRecord(DataFile f, List<Object> partition) {
    GenericData.Record p = new GenericData.Record(partitionSchema);
    for (int i = 0; i < partition.size(); i++) {
      Object v = partition.get(i);
      p.put(i, v == null ? null : PartitionValues.toAvro(partitionTypes.get(i), v, partitionFieldSchemas[i]));
    }
    GenericData.Record d = new GenericData.Record(dataFileSchema);
    d.put(0, f.content());
    d.put(1, f.location());
    d.put(2, f.fileFormat().toUpperCase(Locale.ROOT));
    d.put(3, p);
    d.put(4, f.recordCount());
    d.put(5, f.fileSizeInBytes());
    d.put(6, kvList(mapEntrySchemas[0], f.columnSizes()));
    d.put(7, kvList(mapEntrySchemas[1], f.valueCounts()));
    d.put(8, kvList(mapEntrySchemas[2], f.nullValueCounts()));
    d.put(9, kvList(mapEntrySchemas[3], f.nanValueCounts()));
    d.put(10, kvList(mapEntrySchemas[4], f.lowerBounds()));
    d.put(11, kvList(mapEntrySchemas[5], f.upperBounds()));
    d.put(12, f.keyMetadata()); // key_metadata: null unless encrypted (docs/encryption.md)
    d.put(13, f.splitOffsets());
    d.put(14, f.content() == DataFile.CONTENT_EQUALITY_DELETES ? f.equalityIds() : null);
    d.put(15, f.sortOrderId());
    d.put(16, f.referencedDataFile()); // position delete files of one data file name it
    if (formatVersion >= 3) {
      d.put(17, f.content() == DataFile.CONTENT_DATA ? f.firstRowId() : null);
      d.put(18, f.contentOffset());
      d.put(19, f.contentSizeInBytes());
    }
    return d;
  }

  private static <V> List<GenericData.Record> kvList(Schema kvSchema, Map<Integer, V> map) {
    if (map == null) {
      return null;
    }
    List<GenericData.Record> out = new ArrayList<>(map.size());
    for (Map.Entry<Integer, V> e : new TreeMap<>(map).entrySet()) {
      GenericData.Record kv = new GenericData.Record(kvSchema);
      kv.put(0, e.getKey());
      Object v = e.getValue();
      kv.put(1, v instanceof ByteBuffer ? ((ByteBuffer) v).duplicate() : v);
      out.add(kv);
    }
    return out;
  }

  /** @return the bytes written so far (the file's length once closed) */
  public long length() {
    return sink.length();
  }

  /**
   * Finishes the file. Idempotent.
   *
   * @throws StorageException when the file cannot be completed
   */
  @Override
  public void close() {
    if (!sink.close()) {
      return;
    }
    long minSeq = minDataSequenceNumber != null ? minDataSequenceNumber : UNASSIGNED_SEQ;
    result = new ManifestFile(location, sink.length(), spec.specId(), content, UNASSIGNED_SEQ,
        minSeq, snapshotId, addedFiles, existingFiles, deletedFiles, addedRows, existingRows, deletedRows,
        summaries.summaries());
    LOG.debug("wrote manifest {} ({} bytes, {} added, {} existing, {} deleted)", location, sink.length(),
        addedFiles, existingFiles, deletedFiles);
  }

  /**
   * @return the manifest's entry for a manifest list, with sequence numbers {@link #UNASSIGNED_SEQ} (the
   *     minimum sequence number is the lowest explicit data sequence number of a live entry, if any)
   * @throws IllegalStateException when the writer is not closed yet
   */
  public ManifestFile toManifestFile() {
    if (result == null) {
      throw new IllegalStateException("close the manifest writer for " + location + " first");
    }
    return result;
  }

  static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    for (Schema branch : s.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        return branch;
      }
    }
    return s;
  }

}
