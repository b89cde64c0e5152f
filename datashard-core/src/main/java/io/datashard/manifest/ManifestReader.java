package io.datashard.manifest;

import io.datashard.CloseableIterator;
import io.datashard.CorruptMetadataException;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.InputFile;
import io.datashard.storage.StorageBackend;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.avro.Schema;

/**
 * Streams the entries of an Iceberg manifest, applying v2 inheritance from the manifest's row in the
 * manifest list: a null {@code snapshot_id} becomes the manifest's {@code added_snapshot_id}; null data and
 * file sequence numbers of ADDED entries (of any entry in a manifest with sequence number 0, i.e. a v1
 * manifest) become the manifest's sequence number. When the manifest's sequence number is still
 * {@link ManifestWriter#UNASSIGNED_SEQ} (not yet committed), null sequence numbers stay null.
 *
 * <p>Fields are found by Iceberg field id, not by name or position, so manifests written by Apache Iceberg
 * and other writers are read too; fields DataShard does not model ({@code first_row_id}, ...) are skipped. Partition values are converted to the
 * Java representation of {@link io.datashard.Types} according to the Avro type in the file, in the order of
 * the file's partition struct (the spec's field order).
 *
 * <p>Each damaged part raises {@link CorruptMetadataException} naming the file: an unreadable or truncated
 * Avro file, a schema without the required manifest fields, a missing or mistyped required value, or fewer
 * or more entries than the manifest list counted. Not thread-safe; close it (try-with-resources).
 */
public final class ManifestReader implements CloseableIterator<ManifestEntry> {
  private static final int STATUS = 0;
  private static final int SNAPSHOT_ID = 1;
  private static final int SEQ = 3;
  private static final int FILE_SEQ = 4;
  private static final int DATA_FILE = 2;
  private static final int CONTENT = 134;
  private static final int PATH = 100;
  private static final int FORMAT = 101;
  private static final int PARTITION = 102;
  private static final int RECORD_COUNT = 103;
  private static final int FILE_SIZE = 104;
  private static final int COLUMN_SIZES = 108;
  private static final int VALUE_COUNTS = 109;
  private static final int NULL_COUNTS = 110;
  private static final int NAN_COUNTS = 137;
  private static final int LOWER = 125;
  private static final int UPPER = 128;
  private static final int SPLIT_OFFSETS = 132;
  private static final int SORT_ORDER_ID = 140;
  private static final int EQUALITY_IDS = 135;
  private static final int REFERENCED_DATA_FILE = 143;
  private static final int KEY_METADATA = 131;
  private static final int FIRST_ROW_ID = 142;
  private static final int CONTENT_OFFSET = 144;
  private static final int CONTENT_SIZE = 145;

  private final AvroMetadataFile file;
  private final ManifestFile manifest;
  private final int status;
  private final int snapshotId;
  private final int seq;
  private final int fileSeq;
  private final int dataFile;
  private final int[] df;
  private final Schema[] partitionTypes;
  private final byte[] content;
  private long rowsRead;
  private boolean exhausted;
  /** The row id the next data file without a first_row_id inherits (v3); null when the manifest assigns none. */
  private Long nextRowId;

  private ManifestReader(AvroMetadataFile file, ManifestFile manifest, byte[] content) {
    this.file = file;
    this.content = content;
    this.manifest = manifest;
    Schema entry = file.schema();
    if (entry.getType() != Schema.Type.RECORD) {
      throw corrupt("manifest schema is not a record but " + entry.getType());
    }
    Map<Integer, Integer> pos = AvroMetadataFile.fieldPositions(entry);
    this.status = requiredPos(pos, STATUS, "status");
    this.dataFile = requiredPos(pos, DATA_FILE, "data_file");
    this.snapshotId = pos.getOrDefault(SNAPSHOT_ID, -1);
    this.seq = pos.getOrDefault(SEQ, -1);
    this.fileSeq = pos.getOrDefault(FILE_SEQ, -1);

    Schema dfSchema = ManifestWriter.nonNull(entry.getFields().get(dataFile).schema());
    if (dfSchema.getType() != Schema.Type.RECORD) {
      throw corrupt("field data_file is not a record");
    }
    Map<Integer, Integer> dp = AvroMetadataFile.fieldPositions(dfSchema);
    this.df = new int[] {
        dp.getOrDefault(CONTENT, -1), requiredPos(dp, PATH, "file_path"), requiredPos(dp, FORMAT, "file_format"),
        requiredPos(dp, PARTITION, "partition"), requiredPos(dp, RECORD_COUNT, "record_count"),
        requiredPos(dp, FILE_SIZE, "file_size_in_bytes"), dp.getOrDefault(COLUMN_SIZES, -1),
        dp.getOrDefault(VALUE_COUNTS, -1), dp.getOrDefault(NULL_COUNTS, -1), dp.getOrDefault(NAN_COUNTS, -1),
        dp.getOrDefault(LOWER, -1), dp.getOrDefault(UPPER, -1), dp.getOrDefault(SPLIT_OFFSETS, -1),
        dp.getOrDefault(SORT_ORDER_ID, -1), dp.getOrDefault(EQUALITY_IDS, -1),
        dp.getOrDefault(REFERENCED_DATA_FILE, -1), dp.getOrDefault(KEY_METADATA, -1),
        dp.getOrDefault(FIRST_ROW_ID, -1), dp.getOrDefault(CONTENT_OFFSET, -1), dp.getOrDefault(CONTENT_SIZE, -1)};
    this.nextRowId = manifest.content() == ManifestFile.CONTENT_DATA ? manifest.firstRowId() : null;
    Schema partition = ManifestWriter.nonNull(dfSchema.getFields().get(df[3]).schema());
    if (partition.getType() != Schema.Type.RECORD) {
      throw corrupt("field partition is not a record");
    }
    List<Schema.Field> pf = partition.getFields();
    this.partitionTypes = new Schema[pf.size()];
    for (int i = 0; i < pf.size(); i++) {
      partitionTypes[i] = ManifestWriter.nonNull(pf.get(i).schema());
    }
  }

  /**
   * Opens a manifest for streaming.
   *
   * @param file the manifest file
   * @param manifest its row from the manifest list (inheritance source, spec id, expected entry count)
   * @return an open reader
   * @throws CorruptMetadataException when the file is not a valid manifest
   */
  public static ManifestReader open(InputFile file, ManifestFile manifest) {
    AvroMetadataFile f = AvroMetadataFile.open(file.location(), file.newStream());
    return opened(f, manifest, null);
  }

  /** Opens the manifest at {@code manifest.location()} in a storage backend for streaming. */
  public static ManifestReader open(StorageBackend storage, ManifestFile manifest) {
    return open(storage.newInputFile(manifest.location()), manifest);
  }

  /**
   * Reads from the whole content of a manifest already in memory.
   *
   * @param content the manifest's bytes
   * @param manifest its row from the manifest list
   */
  public static ManifestReader open(byte[] content, ManifestFile manifest) {
    return opened(AvroMetadataFile.open(manifest.location(), new ByteArrayInputStream(content)), manifest, content);
  }

  private static ManifestReader opened(AvroMetadataFile f, ManifestFile manifest, byte[] content) {
    try {
      return new ManifestReader(f, manifest, content);
    } catch (RuntimeException e) {
      try {
        f.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Reads every entry of a manifest (one read of the whole file).
   *
   * @return the entries, in file order, with inherited values resolved
   */
  public static List<ManifestEntry> readAll(StorageBackend storage, ManifestFile manifest) {
    try (ManifestReader r = open(storage.readAll(manifest.location()), manifest)) {
      return r.toList();
    }
  }

  /** @return every entry of the manifest file, in file order, with inherited values resolved */
  public static List<ManifestEntry> readAll(InputFile file, ManifestFile manifest) {
    try (ManifestReader r = open(file, manifest)) {
      return r.toList();
    }
  }

  private List<ManifestEntry> toList() {
    List<ManifestEntry> out = new ArrayList<>();
    while (hasNext()) {
      out.add(next());
    }
    return out;
  }

  /** @return the manifest file's key-value metadata (such as {@code partition-spec-id}) */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(file.metadata());
  }

  @Override
  public boolean hasNext() {
    if (exhausted) {
      return false;
    }
    if (file.hasNext()) {
      return true;
    }
    exhausted = true;
    if (content != null) {
      AvroMetadataFile.checkEndsWithSync(file.location(), content);
    }
    long expected = (long) manifest.addedFilesCount() + manifest.existingFilesCount() + manifest.deletedFilesCount();
    boolean countsKnown = manifest.addedFilesCount() >= 0 && manifest.existingFilesCount() >= 0
        && manifest.deletedFilesCount() >= 0;
    if (countsKnown && expected != rowsRead) {
      throw corrupt("holds " + rowsRead + " entries but the manifest list counts " + expected
          + " (truncated or replaced file?)");
    }
    return false;
  }

  @Override
  public ManifestEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries in " + file.location());
    }
    Object[] r = file.next();
    try {
      ManifestEntry e = toEntry(r);
      rowsRead++;
      return e;
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw corrupt("entry " + rowsRead + " has a missing or mistyped value (" + e.getMessage() + ")", e);
    }
  }

  private ManifestEntry toEntry(Object[] r) {
    int st = (Integer) requiredValue(r, status, "status");
    Long snap = (Long) at(r, snapshotId);
    Long dataSeq = (Long) at(r, seq);
    Long fSeq = (Long) at(r, fileSeq);
    if (snap == null) {
      snap = manifest.addedSnapshotId();
    }
    long manifestSeq = manifest.sequenceNumber();
    boolean inherits = manifestSeq != ManifestWriter.UNASSIGNED_SEQ
        && (st == ManifestEntry.ADDED || manifestSeq == 0);
    if (inherits) {
      dataSeq = dataSeq == null ? Long.valueOf(manifestSeq) : dataSeq;
      fSeq = fSeq == null ? Long.valueOf(manifestSeq) : fSeq;
    }
    return new ManifestEntry(st, snap, dataSeq, fSeq, toDataFile((Object[]) requiredValue(r, dataFile, "data_file")));
  }

  private DataFile toDataFile(Object[] d) {
    Object[] partitionRecord = (Object[]) requiredValue(d, df[3], "partition");
    List<Object> partition;
    if (partitionTypes.length == 0) {
      partition = List.of();
    } else {
      partition = new ArrayList<>(partitionTypes.length);
      for (int i = 0; i < partitionTypes.length; i++) {
        Object v = partitionRecord[i];
        partition.add(v == null ? null : PartitionValues.fromAvro(partitionTypes[i], v));
      }
    }
    Object contentValue = at(d, df[0]);
    int fileContent = contentValue == null ? DataFile.CONTENT_DATA : (Integer) contentValue;
    @SuppressWarnings("unchecked")
    List<Long> splits = (List<Long>) at(d, df[12]);
    long records = (Long) requiredValue(d, df[4], "record_count");
    Long firstRowId = (Long) at(d, df[17]);
    if (firstRowId == null && fileContent == DataFile.CONTENT_DATA && nextRowId != null) {
      // First-row-id inheritance (v3): the manifest's first_row_id plus the rows of the data files before this one
      // that inherited too.
      firstRowId = nextRowId;
      nextRowId = nextRowId + records;
    }
    return DataFile.builder()
        .content(fileContent)
        .location((String) requiredValue(d, df[1], "file_path"))
        .fileFormat(((String) requiredValue(d, df[2], "file_format")).toUpperCase(Locale.ROOT))
        .specId(manifest.specId())
        .partition(partition)
        .recordCount(records)
        .fileSizeInBytes((Long) requiredValue(d, df[5], "file_size_in_bytes"))
        .columnSizes(this.<Long>intMap(at(d, df[6])))
        .valueCounts(this.<Long>intMap(at(d, df[7])))
        .nullValueCounts(this.<Long>intMap(at(d, df[8])))
        .nanValueCounts(this.<Long>intMap(at(d, df[9])))
        .lowerBounds(this.<ByteBuffer>intMap(at(d, df[10])))
        .upperBounds(this.<ByteBuffer>intMap(at(d, df[11])))
        .splitOffsets(splits)
        .sortOrderId((Integer) at(d, df[13]))
        .equalityIds(this.<Integer>list(at(d, df[14])))
        .referencedDataFile((String) at(d, df[15]))
        .keyMetadata((ByteBuffer) at(d, df[16]))
        .firstRowId(firstRowId)
        .contentOffset((Long) at(d, df[18]))
        .contentSizeInBytes((Long) at(d, df[19]))
        .build();
  }

  @SuppressWarnings("unchecked")
  private <V> List<V> list(Object raw) {
    return raw == null ? null : new ArrayList<>((List<V>) raw);
  }

  /** Decodes an int-keyed map: an array of key/value records (or, tolerated, an Avro map). */
  @SuppressWarnings("unchecked")
  private <V> Map<Integer, V> intMap(Object raw) {
    if (raw == null) {
      return null;
    }
    Map<Integer, V> out = new HashMap<>();
    if (raw instanceof Map) {
      ((Map<String, Object>) raw).forEach((k, v) -> out.put(Integer.parseInt(k), (V) v));
      return out;
    }
    for (Object o : (List<Object>) raw) {
      Object[] kv = (Object[]) o;
      out.put((Integer) kv[0], (V) kv[1]);
    }
    return out;
  }

  private static Object at(Object[] r, int p) {
    return p < 0 ? null : r[p];
  }

  private static Object requiredValue(Object[] r, int p, String name) {
    Object v = r[p];
    if (v == null) {
      throw new NullPointerException("required field " + name + " is null");
    }
    return v;
  }

  private int requiredPos(Map<Integer, Integer> pos, int id, String name) {
    Integer p = pos.get(id);
    if (p == null) {
      throw corrupt("not an Iceberg manifest: the Avro schema has no field " + name + " (field-id " + id + ")");
    }
    return p;
  }

  private CorruptMetadataException corrupt(String problem) {
    return new CorruptMetadataException(file.location(), problem);
  }

  private CorruptMetadataException corrupt(String problem, Throwable cause) {
    return new CorruptMetadataException(file.location(), problem, cause);
  }

  @Override
  public void close() {
    file.close();
  }
}
