package io.datashard.metadata;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A data file as the Iceberg v2 spec describes it in manifests ({@code data_file} struct): location, format,
 * partition, record count, size and per-column statistics keyed by field id. Immutable.
 *
 * <p>Bounds are in the spec's single-value binary serialization (see {@link Conversions}).
 */
public final class DataFile implements io.datashard.ContentFile {
  /** Content type of a data file (as opposed to position or equality deletes). */
  public static final int CONTENT_DATA = 0;
  /** Content type of a position delete file. */
  public static final int CONTENT_POSITION_DELETES = 1;
  /** Content type of an equality delete file. */
  public static final int CONTENT_EQUALITY_DELETES = 2;

  private final int content;
  private final String location;
  private final String fileFormat;
  private final int specId;
  private final List<Object> partition;
  private final boolean binaryPartition;
  private final long recordCount;
  private final long fileSizeInBytes;
  private final Map<Integer, Long> columnSizes;
  private final Map<Integer, Long> valueCounts;
  private final Map<Integer, Long> nullValueCounts;
  private final Map<Integer, Long> nanValueCounts;
  private final Map<Integer, ByteBuffer> lowerBounds;
  private final Map<Integer, ByteBuffer> upperBounds;
  private final List<Long> splitOffsets;
  private final Integer sortOrderId;
  private final List<Integer> equalityIds;
  private final String referencedDataFile;
  private final ByteBuffer keyMetadata;
  private final Long firstRowId;
  private final Long contentOffset;
  private final Long contentSizeInBytes;

  private DataFile(Builder b) {
    this.content = b.content;
    this.location = Objects.requireNonNull(b.location, "location");
    this.fileFormat = b.fileFormat;
    this.specId = b.specId;
    this.partition = b.partition == null ? List.of() : java.util.Collections.unmodifiableList(
        partitionValues(b.partition, true));
    this.binaryPartition = partition.stream().anyMatch(ByteBuffer.class::isInstance);
    this.recordCount = b.recordCount;
    this.fileSizeInBytes = b.fileSizeInBytes;
    this.columnSizes = copy(b.columnSizes);
    this.valueCounts = copy(b.valueCounts);
    this.nullValueCounts = copy(b.nullValueCounts);
    this.nanValueCounts = copy(b.nanValueCounts);
    this.lowerBounds = copyBuffers(b.lowerBounds);
    this.upperBounds = copyBuffers(b.upperBounds);
    this.splitOffsets = b.splitOffsets == null ? null : List.copyOf(b.splitOffsets);
    this.sortOrderId = b.sortOrderId;
    this.equalityIds = b.equalityIds == null ? null : List.copyOf(b.equalityIds);
    this.referencedDataFile = b.referencedDataFile;
    this.keyMetadata = b.keyMetadata == null ? null : copyBuffer(b.keyMetadata);
    this.firstRowId = b.firstRowId;
    this.contentOffset = b.contentOffset;
    this.contentSizeInBytes = b.contentSizeInBytes;
  }

  private static ByteBuffer copyBuffer(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate());
    c.flip();
    return c.asReadOnlyBuffer();
  }

  private static <V> Map<Integer, V> copy(Map<Integer, V> m) {
    return m == null ? null : Map.copyOf(m);
  }

  private static Map<Integer, ByteBuffer> copyBuffers(Map<Integer, ByteBuffer> m) {
    if (m == null) {
      return null;
    }
    java.util.HashMap<Integer, ByteBuffer> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, copyBuffer(v)));
    return Map.copyOf(out);
  }

  /** Partition values with binary ones copied (on the way in) or duplicated (on the way out). */
  private static List<Object> partitionValues(List<Object> values, boolean copy) {
    java.util.ArrayList<Object> out = new java.util.ArrayList<>(values.size());
    for (Object v : values) {
      out.add(v instanceof ByteBuffer ? (copy ? copyBuffer((ByteBuffer) v) : ((ByteBuffer) v).duplicate()) : v);
    }
    return out;
  }

  /** The caller's view of stored buffers: its own position, so no reader moves another's. */
  private static Map<Integer, ByteBuffer> duplicates(Map<Integer, ByteBuffer> m) {
    if (m == null) {
      return null;
    }
    java.util.HashMap<Integer, ByteBuffer> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, v.duplicate()));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static ByteBuffer duplicate(Map<Integer, ByteBuffer> m, int fieldId) {
    ByteBuffer b = m == null ? null : m.get(fieldId);
    return b == null ? null : b.duplicate();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this file's values */
  public Builder toBuilder() {
    return new Builder().content(content).location(location).fileFormat(fileFormat).specId(specId)
        .partition(partition).recordCount(recordCount).fileSizeInBytes(fileSizeInBytes).columnSizes(columnSizes)
        .valueCounts(valueCounts).nullValueCounts(nullValueCounts).nanValueCounts(nanValueCounts)
        .lowerBounds(lowerBounds).upperBounds(upperBounds).splitOffsets(splitOffsets).sortOrderId(sortOrderId)
        .equalityIds(equalityIds).referencedDataFile(referencedDataFile).keyMetadata(keyMetadata)
        .firstRowId(firstRowId).contentOffset(contentOffset).contentSizeInBytes(contentSizeInBytes);
  }

  /** @return 0 for data; 1 and 2 are position and equality deletes */
  @Override
  public io.datashard.FileContent contentType() {
    return switch (content) {
      case CONTENT_POSITION_DELETES -> io.datashard.FileContent.POSITION_DELETES;
      case CONTENT_EQUALITY_DELETES -> io.datashard.FileContent.EQUALITY_DELETES;
      default -> io.datashard.FileContent.DATA;
    };
  }

  public int content() {
    return content;
  }

  /** @return absolute location of the file */
  @Override
  public String location() {
    return location;
  }

  /** @return {@code PARQUET}, {@code AVRO} or {@code ORC} */
  @Override
  public String fileFormat() {
    return fileFormat;
  }

  /** @return the id of the partition spec the file was written with */
  @Override
  public int specId() {
    return specId;
  }

  /** @return partition values in spec order (empty when unpartitioned); elements may be null */
  @Override
  public List<Object> partition() {
    return binaryPartition ? java.util.Collections.unmodifiableList(partitionValues(partition, false)) : partition;
  }

  @Override
  public long recordCount() {
    return recordCount;
  }

  @Override
  public long fileSizeInBytes() {
    return fileSizeInBytes;
  }

  /** @return bytes per column id, or null when not collected */
  public Map<Integer, Long> columnSizes() {
    return columnSizes;
  }

  /** @return values (including nulls) per column id, or null */
  public Map<Integer, Long> valueCounts() {
    return valueCounts;
  }

  /** @return nulls per column id, or null */
  public Map<Integer, Long> nullValueCounts() {
    return nullValueCounts;
  }

  /** @return NaN values per floating-point column id, or null */
  public Map<Integer, Long> nanValueCounts() {
    return nanValueCounts;
  }

  /**
   * @return serialized lower bound per column id, or null; read-only buffers of the caller's own (a file is shared
   *     between scans, so no caller can move another's position)
   */
  public Map<Integer, ByteBuffer> lowerBounds() {
    return duplicates(lowerBounds);
  }

  /** @return serialized upper bound per column id, or null; read-only buffers of the caller's own */
  public Map<Integer, ByteBuffer> upperBounds() {
    return duplicates(upperBounds);
  }

  /** @return the serialized lower bound of one column (a read-only buffer of the caller's own), or null */
  public ByteBuffer lowerBound(int fieldId) {
    return duplicate(lowerBounds, fieldId);
  }

  /** @return the serialized upper bound of one column (a read-only buffer of the caller's own), or null */
  public ByteBuffer upperBound(int fieldId) {
    return duplicate(upperBounds, fieldId);
  }

  /** @return row-group start offsets, ascending, or null */
  public List<Long> splitOffsets() {
    return splitOffsets;
  }

  /** @return the sort order id, or null */
  public Integer sortOrderId() {
    return sortOrderId;
  }

  /** @return for an equality delete file, the field ids its rows are compared on; otherwise null */
  public List<Integer> equalityIds() {
    return equalityIds;
  }

  /** @return for a position delete file that applies to one data file only, that file's location; else null */
  public String referencedDataFile() {
    return referencedDataFile;
  }

  /**
   * @return the file's encryption key metadata ({@code key_metadata}: for DataShard's encryption the master key id
   *     and the wrapped data key, see {@link io.datashard.encryption.KeyMetadata}), or null when not encrypted
   */
  public ByteBuffer keyMetadata() {
    return keyMetadata == null ? null : keyMetadata.duplicate();
  }

  /**
   * @return (format version 3, data files) the row id of the file's first row: its rows without a stored
   *     {@code _row_id} have this plus their position; as written, or inherited from the manifest's
   *     {@code first_row_id} when read; null when the table has no row lineage for the file
   */
  public Long firstRowId() {
    return firstRowId;
  }

  /**
   * @return (format version 3, deletion vectors) where the deletion vector's blob starts in its Puffin file, or
   *     null for every other file
   */
  public Long contentOffset() {
    return contentOffset;
  }

  /** @return (format version 3, deletion vectors) the length of the deletion vector's blob, or null */
  public Long contentSizeInBytes() {
    return contentSizeInBytes;
  }

  /** @return whether this is a deletion vector: a position delete stored as a blob of a Puffin file (v3) */
  public boolean isDeletionVector() {
    return content == CONTENT_POSITION_DELETES && "PUFFIN".equalsIgnoreCase(fileFormat);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DataFile)) {
      return false;
    }
    DataFile d = (DataFile) o;
    return content == d.content && specId == d.specId && recordCount == d.recordCount
        && fileSizeInBytes == d.fileSizeInBytes && location.equals(d.location)
        && Objects.equals(fileFormat, d.fileFormat) && partition.equals(d.partition)
        && Objects.equals(columnSizes, d.columnSizes) && Objects.equals(valueCounts, d.valueCounts)
        && Objects.equals(nullValueCounts, d.nullValueCounts) && Objects.equals(nanValueCounts, d.nanValueCounts)
        && Objects.equals(lowerBounds, d.lowerBounds) && Objects.equals(upperBounds, d.upperBounds)
        && Objects.equals(splitOffsets, d.splitOffsets) && Objects.equals(sortOrderId, d.sortOrderId)
        && Objects.equals(equalityIds, d.equalityIds) && Objects.equals(referencedDataFile, d.referencedDataFile)
        && Objects.equals(keyMetadata, d.keyMetadata) && Objects.equals(firstRowId, d.firstRowId)
        && Objects.equals(contentOffset, d.contentOffset) && Objects.equals(contentSizeInBytes, d.contentSizeInBytes);
  }

  @Override
  public int hashCode() {
    return location.hashCode();
  }

  @Override
  public String toString() {
    return "DataFile{" + location + ", records=" + recordCount + ", bytes=" + fileSizeInBytes + "}";
  }

  /** Builder for {@link DataFile}. */
  public static final class Builder {
    private int content = CONTENT_DATA;
    private String location;
    private String fileFormat = "PARQUET";
    private int specId = 0;
    private List<Object> partition = List.of();
    private long recordCount;
    private long fileSizeInBytes;
    private Map<Integer, Long> columnSizes;
    private Map<Integer, Long> valueCounts;
    private Map<Integer, Long> nullValueCounts;
    private Map<Integer, Long> nanValueCounts;
    private Map<Integer, ByteBuffer> lowerBounds;
    private Map<Integer, ByteBuffer> upperBounds;
    private List<Long> splitOffsets;
    private Integer sortOrderId;
    private List<Integer> equalityIds;
    private String referencedDataFile;
    private ByteBuffer keyMetadata;
    private Long firstRowId;
    private Long contentOffset;
    private Long contentSizeInBytes;

    private Builder() {
    }

    public Builder content(int v) { this.content = v; return this; }
    public Builder location(String v) { this.location = v; return this; }
    public Builder fileFormat(String v) { this.fileFormat = v; return this; }
    public Builder specId(int v) { this.specId = v; return this; }
    public Builder partition(List<Object> v) { this.partition = v; return this; }
    public Builder recordCount(long v) { this.recordCount = v; return this; }
    public Builder fileSizeInBytes(long v) { this.fileSizeInBytes = v; return this; }
    public Builder columnSizes(Map<Integer, Long> v) { this.columnSizes = v; return this; }
    public Builder valueCounts(Map<Integer, Long> v) { this.valueCounts = v; return this; }
    public Builder nullValueCounts(Map<Integer, Long> v) { this.nullValueCounts = v; return this; }
    public Builder nanValueCounts(Map<Integer, Long> v) { this.nanValueCounts = v; return this; }
    public Builder lowerBounds(Map<Integer, ByteBuffer> v) { this.lowerBounds = v; return this; }
    public Builder upperBounds(Map<Integer, ByteBuffer> v) { this.upperBounds = v; return this; }
    public Builder splitOffsets(List<Long> v) { this.splitOffsets = v; return this; }
    public Builder sortOrderId(Integer v) { this.sortOrderId = v; return this; }
    public Builder equalityIds(List<Integer> v) { this.equalityIds = v; return this; }
    public Builder referencedDataFile(String v) { this.referencedDataFile = v; return this; }
    public Builder keyMetadata(ByteBuffer v) { this.keyMetadata = v; return this; }
    public Builder firstRowId(Long v) { this.firstRowId = v; return this; }
    public Builder contentOffset(Long v) { this.contentOffset = v; return this; }
    public Builder contentSizeInBytes(Long v) { this.contentSizeInBytes = v; return this; }

    public DataFile build() {
      return new DataFile(this);
    }
  }
}
