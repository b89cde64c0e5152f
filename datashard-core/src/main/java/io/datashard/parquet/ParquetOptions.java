package io.datashard.parquet;

import java.util.Locale;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet write settings, read from table properties under Apache Iceberg's key names. Immutable.
 *
 * @param codec compression codec ({@value #COMPRESSION_CODEC}, default zstd)
 * @param rowGroupSizeBytes target row-group size ({@value #ROW_GROUP_SIZE_BYTES}, default 128 MiB)
 * @param pageSizeBytes target page size ({@value #PAGE_SIZE_BYTES}, default 1 MiB)
 * @param dictPageSizeBytes largest dictionary page before falling back to plain encoding
 *     ({@value #DICT_SIZE_BYTES}, default 2 MiB)
 * @param targetFileSizeBytes size at which a rolling writer starts a new file ({@value #TARGET_FILE_SIZE_BYTES},
 *     default 512 MiB)
 */
public record ParquetOptions(Codec codec, long rowGroupSizeBytes, int pageSizeBytes, int dictPageSizeBytes,
    long targetFileSizeBytes) {

  /** Table property: compression codec name ({@code zstd}, {@code snappy}, {@code gzip}, {@code uncompressed}). */
  public static final String COMPRESSION_CODEC = "write.parquet.compression-codec";
  /** Table property: row-group size in bytes. */
  public static final String ROW_GROUP_SIZE_BYTES = "write.parquet.row-group-size-bytes";
  /** Table property: page size in bytes. */
  public static final String PAGE_SIZE_BYTES = "write.parquet.page-size-bytes";
  /** Table property: dictionary page size in bytes. */
  public static final String DICT_SIZE_BYTES = "write.parquet.dict-size-bytes";
  /** Table property: target data file size in bytes. */
  public static final String TARGET_FILE_SIZE_BYTES = "write.target-file-size-bytes";

  /** Default row-group size: 128 MiB. */
  public static final long DEFAULT_ROW_GROUP_SIZE_BYTES = 128L * 1024 * 1024;
  /** Default page size: 1 MiB. */
  public static final int DEFAULT_PAGE_SIZE_BYTES = 1024 * 1024;
  /** Default dictionary page size: 2 MiB. */
  public static final int DEFAULT_DICT_SIZE_BYTES = 2 * 1024 * 1024;
  /** Default target file size: 512 MiB. */
  public static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 512L * 1024 * 1024;

  /** The compression codecs DataShard writes. */
  public enum Codec {
    ZSTD(CompressionCodecName.ZSTD),
    SNAPPY(CompressionCodecName.SNAPPY),
    GZIP(CompressionCodecName.GZIP),
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName parquetName;

    Codec(CompressionCodecName parquetName) {
      this.parquetName = parquetName;
    }

    /** @return parquet-java's name for this codec */
    public CompressionCodecName parquetName() {
      return parquetName;
    }

    /**
     * @param name a codec name, case-insensitive ({@code none} is accepted for uncompressed)
     * @return the codec
     * @throws IllegalArgumentException for an unsupported name
     */
    public static Codec fromName(String name) {
      String n = name.trim().toUpperCase(Locale.ROOT);
      if (n.equals("NONE")) {
        return UNCOMPRESSED;
      }
      for (Codec c : values()) {
        if (c.name().equals(n)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unsupported Parquet compression codec '" + name
          + "'; supported: zstd, snappy, gzip, uncompressed");
    }
  }

  /** Validates the settings. */
  public ParquetOptions {
    if (codec == null) {
      throw new IllegalArgumentException("codec must not be null");
    }
    positive(ROW_GROUP_SIZE_BYTES, rowGroupSizeBytes);
    positive(PAGE_SIZE_BYTES, pageSizeBytes);
    positive(DICT_SIZE_BYTES, dictPageSizeBytes);
    positive(TARGET_FILE_SIZE_BYTES, targetFileSizeBytes);
  }

  /** @return Iceberg's defaults: zstd, 128 MiB row groups, 1 MiB pages, 2 MiB dictionaries, 512 MiB files */
  public static ParquetOptions defaults() {
    return new ParquetOptions(Codec.ZSTD, DEFAULT_ROW_GROUP_SIZE_BYTES, DEFAULT_PAGE_SIZE_BYTES,
        DEFAULT_DICT_SIZE_BYTES, DEFAULT_TARGET_FILE_SIZE_BYTES);
  }

  /**
   * @param properties table properties; keys not listed here are ignored, absent keys take the defaults
   * @return the options
   * @throws IllegalArgumentException naming the property whose value is invalid
   */
  public static ParquetOptions fromProperties(Map<String, String> properties) {
    ParquetOptions d = defaults();
    String codecName = properties.get(COMPRESSION_CODEC);
    return new ParquetOptions(
        codecName == null ? d.codec : Codec.fromName(codecName),
        longProp(properties, ROW_GROUP_SIZE_BYTES, d.rowGroupSizeBytes),
        intProp(properties, PAGE_SIZE_BYTES, d.pageSizeBytes),
        intProp(properties, DICT_SIZE_BYTES, d.dictPageSizeBytes),
        longProp(properties, TARGET_FILE_SIZE_BYTES, d.targetFileSizeBytes));
  }

  /** @return a copy with another codec */
  public ParquetOptions withCodec(Codec newCodec) {
    return new ParquetOptions(newCodec, rowGroupSizeBytes, pageSizeBytes, dictPageSizeBytes, targetFileSizeBytes);
  }

  /** @return a copy with another row-group size */
  public ParquetOptions withRowGroupSizeBytes(long bytes) {
    return new ParquetOptions(codec, bytes, pageSizeBytes, dictPageSizeBytes, targetFileSizeBytes);
  }

  /** @return a copy with another page size */
  public ParquetOptions withPageSizeBytes(int bytes) {
    return new ParquetOptions(codec, rowGroupSizeBytes, bytes, dictPageSizeBytes, targetFileSizeBytes);
  }

  /** @return a copy with another dictionary page size */
  public ParquetOptions withDictPageSizeBytes(int bytes) {
    return new ParquetOptions(codec, rowGroupSizeBytes, pageSizeBytes, bytes, targetFileSizeBytes);
  }

  /** @return a copy with another target file size */
  public ParquetOptions withTargetFileSizeBytes(long bytes) {
    return new ParquetOptions(codec, rowGroupSizeBytes, pageSizeBytes, dictPageSizeBytes, bytes);
  }

  private static long longProp(Map<String, String> props, String key, long dflt) {
    String v = props.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      positive(key, n);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("table property " + key + " must be a positive integer, got '" + v + "'", e);
    }
  }

  private static int intProp(Map<String, String> props, String key, int dflt) {
    long n = longProp(props, key, dflt);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("table property " + key + " must be at most " + Integer.MAX_VALUE
          + ", got " + n);
    }
    return (int) n;
  }

  private static void positive(String key, long n) {
    if (n <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + n);
    }
  }
}
