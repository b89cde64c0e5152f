package io.datashard.parquet;

import io.datashard.CloseableIterator;
import io.datashard.CorruptMetadataException;
import io.datashard.DataShardException;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.StorageException;
import io.datashard.encryption.DataFileDecryptionException;
import io.datashard.encryption.FileDecryption;
import io.datashard.storage.InputFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads the rows of one Parquet data file as {@link Row}s of a projected schema.
 *
 * <p>Columns are matched by Iceberg field id, not by name, so renamed columns still read; a projected column
 * the file does not have (added to the table later) reads as null. Only the projected columns are read from
 * storage. Memory is bounded by one row group's projected column chunks. A file that is truncated or not
 * Parquet raises {@link CorruptMetadataException} naming the file; storage failures raise
 * {@link StorageException}. Files written without field ids (not by an Iceberg writer) are matched by name.
 *
 * <pre>{@code
 * try (DataFileReader r = DataFileReader.open(storage.newInputFile(location), projection);
 *      CloseableIterator<Row> rows = r.iterator()) { ... }
 * }</pre>
 *
 * <p>Not thread-safe; {@link #iterator} may be called once.
 */
public final class DataFileReader implements AutoCloseable {
  private final String location;
  private final Schema projection;
  private final ParquetFileReader reader;
  private final MessageType fileSchema;
  private final MessageType requested;
  private final int[] targets;
  private final Field[] projectedFields;
  /** Whether a requested column is a group: rows are then assembled by parquet-java's record reader. */
  private final boolean nested;
  /** How to decrypt the file (its keys, table and master key id), or null for a plaintext file. */
  private final FileDecryption decryption;
  private boolean iterated;
  /** Positions of the top-level columns the file lacks whose initial default is not null, or null when none. */
  private int[] defaultPositions;
  /** Their initial defaults. */
  private Object[] defaultValues;

  private DataFileReader(InputFile file, Schema projection, FileDecryption decryption) {
    this.location = file.location();
    this.projection = projection;
    this.decryption = decryption;
    ParquetReadOptions.Builder opts = new ParquetReadOptions.Builder(new HadoopParquetConfiguration(HadoopConf.shared()))
        .withCodecFactory(new ParquetCodecs(HadoopConf.shared(), ParquetProperties.DEFAULT_PAGE_SIZE));
    if (decryption != null) {
      opts.withDecryption(decryption.properties());
    }
    ParquetReadOptions options = opts.build();
    try {
      this.reader = new ParquetFileReader(new InputFileAdapter(file), options);
    } catch (IOException | RuntimeException e) {
      throw translate(location, decryption, "cannot open", e);
    } catch (OutOfMemoryError e) {
      throw oversized(location, decryption, e);
    }
    try {
      this.fileSchema = reader.getFooter().getFileMetaData().getSchema();
      boolean hasIds = false;
      for (org.apache.parquet.schema.Type t : fileSchema.getFields()) {
        hasIds |= t.getId() != null;
      }
      List<org.apache.parquet.schema.Type> columns = new ArrayList<>();
      boolean nestedColumns = false;
      List<Integer> positions = new ArrayList<>();
      List<Field> fields = new ArrayList<>();
      for (org.apache.parquet.schema.Type t : fileSchema.getFields()) {
        int pos;
        if (hasIds) {
          pos = t.getId() == null ? -1 : projection.positionOfId(t.getId().intValue());
        } else {
          pos = projection.positionOf(t.getName());
        }
        if (pos < 0) {
          continue;
        }
        if (!t.isPrimitive()) {
          nestedColumns = true;
        }
        columns.add(ParquetProjection.prune(location, t, projection.field(pos)));
        positions.add(pos);
        fields.add(projection.field(pos));
      }
      findInitialDefaults(positions, hasIds);
      this.requested = new MessageType(fileSchema.getName(), columns);
      this.targets = positions.stream().mapToInt(Integer::intValue).toArray();
      this.projectedFields = fields.toArray(new Field[0]);
      this.nested = nestedColumns;
      reader.setRequestedSchema(requested);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /**
   * Finds the initial defaults (format version 3) of projected columns the file lacks: rows written before a column
   * was added read as its default. A nested field with a default that the file lacks is refused rather than read as
   * null (DataShard fills defaults of top-level columns only). Tables without defaults pay one pass over the
   * projection's columns.
   */
  private void findInitialDefaults(List<Integer> present, boolean hasIds) {
    boolean[] inFile = new boolean[projection.size()];
    present.forEach(p -> inFile[p] = true);
    int[] at = new int[projection.size()];
    Object[] values = new Object[projection.size()];
    int n = 0;
    java.util.Set<Integer> fileIds = null;
    for (int pos = 0; pos < projection.size(); pos++) {
      Field f = projection.field(pos);
      if (!inFile[pos] && f.initialDefault() != null) {
        at[n] = pos;
        values[n++] = f.initialDefault();
      }
      if (hasIds && inFile[pos] && hasNestedDefault(f.type())) {
        if (fileIds == null) {
          fileIds = new java.util.HashSet<>();
          collectIds(fileSchema, fileIds);
        }
        refuseNestedDefaultsMissingFrom(f.type(), f.name(), fileIds);
      }
    }
    this.defaultPositions = n == 0 ? null : java.util.Arrays.copyOf(at, n);
    this.defaultValues = n == 0 ? null : java.util.Arrays.copyOf(values, n);
  }

  private static boolean hasNestedDefault(io.datashard.Type type) {
    switch (type.id()) {
      case STRUCT:
        for (Field c : type.asStruct().fields()) {
          if (c.initialDefault() != null || hasNestedDefault(c.type())) {
            return true;
          }
        }
        return false;
      case LIST:
        return hasNestedDefault(type.asList().elementType());
      case MAP:
        return hasNestedDefault(type.asMap().keyType()) || hasNestedDefault(type.asMap().valueType());
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS,
          TIMESTAMP_NS_TZ, STRING, UUID, FIXED, BINARY:
      default:
        return false;
    }
  }

  private static void collectIds(org.apache.parquet.schema.Type t, java.util.Set<Integer> ids) {
    if (t.getId() != null) {
      ids.add(t.getId().intValue());
    }
    if (!t.isPrimitive()) {
      t.asGroupType().getFields().forEach(c -> collectIds(c, ids));
    }
  }

  private void refuseNestedDefaultsMissingFrom(io.datashard.Type type, String path, java.util.Set<Integer> fileIds) {
    switch (type.id()) {
      case STRUCT -> {
        for (Field c : type.asStruct().fields()) {
          if (c.initialDefault() != null && !fileIds.contains(c.id())) {
            throw new io.datashard.UnsupportedTableFeatureException("field '" + path + "." + c.name() + "' has an "
                + "initial default and data file " + location + " was written before it was added; DataShard fills "
                + "the defaults of top-level columns only, and refuses rather than read it as null");
          }
          refuseNestedDefaultsMissingFrom(c.type(), path + "." + c.name(), fileIds);
        }
      }
      case LIST -> refuseNestedDefaultsMissingFrom(type.asList().elementType(), path + ".element", fileIds);
      case MAP -> {
        refuseNestedDefaultsMissingFrom(type.asMap().keyType(), path + ".key", fileIds);
        refuseNestedDefaultsMissingFrom(type.asMap().valueType(), path + ".value", fileIds);
      }
      default -> {
      }
    }
  }

  /** @return the values with the initial defaults of the columns the file lacks filled in */
  private Object[] withDefaults(Object[] values) {
    if (defaultPositions != null) {
      for (int i = 0; i < defaultPositions.length; i++) {
        values[defaultPositions[i]] = defaultValues[i];
      }
    }
    return values;
  }

  /**
   * Opens a data file and reads its footer.
   *
   * @param file the Parquet file
   * @param projection the columns wanted, in the order wanted (a subset of the table schema)
   * @return the reader
   * @throws CorruptMetadataException when the file is not a readable Parquet file
   */
  public static DataFileReader open(InputFile file, Schema projection) {
    return new DataFileReader(file, projection, null);
  }

  /**
   * Opens a data file that may be encrypted.
   *
   * @param file the Parquet file
   * @param projection the columns wanted
   * @param decryption the file's keys ({@link io.datashard.encryption.TableKeys#decryption}), or null for a
   *     plaintext file
   * @return the reader
   * @throws DataFileDecryptionException when the file fails authentication (altered, or other keys) or is
   *     encrypted and no keys were given
   */
  public static DataFileReader open(InputFile file, Schema projection, FileDecryption decryption) {
    return new DataFileReader(file, projection, decryption);
  }

  /**
   * Reads every row of a file that may be encrypted; closing the iterator closes the file.
   *
   * @param file the Parquet file
   * @param projection the columns wanted
   * @param decryption the file's keys, or null for a plaintext file
   * @return the rows
   */
  public static CloseableIterator<Row> read(InputFile file, Schema projection, FileDecryption decryption) {
    return rowsClosing(open(file, projection, decryption));
  }

  /**
   * Reads every row of a file; closing the iterator closes the file.
   *
   * @param file the Parquet file
   * @param projection the columns wanted
   * @return the rows
   */
  public static CloseableIterator<Row> read(InputFile file, Schema projection) {
    return rowsClosing(open(file, projection));
  }

  private static CloseableIterator<Row> rowsClosing(DataFileReader r) {
    CloseableIterator<Row> rows;
    try {
      rows = r.iterator();
    } catch (RuntimeException e) {
      r.closeQuietly();
      throw e;
    }
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return rows.next();
      }

      @Override
      public void close() {
        r.close();
      }
    };
  }

  /** @return the file's location */
  public String location() {
    return location;
  }

  /** @return the number of rows in the file, from the footer */
  public long recordCount() {
    return reader.getRecordCount();
  }

  /** @return the file's Parquet schema */
  public MessageType fileSchema() {
    return fileSchema;
  }

  /** @return the Parquet schema of the columns actually read (the projection the file has, in file order) */
  public MessageType requestedSchema() {
    return requested;
  }

  /**
   * @return the footer's row-group metadata (row counts, column chunk offsets and statistics), in file order,
   *     for row-group pruning
   */
  public List<BlockMetaData> rowGroups() {
    return reader.getRowGroups();
  }

  /** @return an iterator over every row */
  public CloseableIterator<Row> iterator() {
    return iterator(block -> true);
  }

  /**
   * Iterates over the rows of the row groups the filter keeps; the others are not read from storage.
   *
   * @param keepRowGroup decides from a row group's metadata whether to read it
   * @return the rows; closing the iterator does not close this reader
   */
  public CloseableIterator<Row> iterator(Predicate<BlockMetaData> keepRowGroup) {
    return iterator(keepRowGroup, NO_POSITIONS);
  }

  /**
   * Iterates as {@link #iterator(Predicate)}, passing over the rows at the given positions (position deletes)
   * without building them: their values are skipped in the column readers, not decoded.
   *
   * @param keepRowGroup decides from a row group's metadata whether to read it
   * @param deletedPositions positions of rows not to return, ascending (shared, never modified)
   * @return the other rows; {@link #deletedRowsPassedOver()} counts the ones passed over
   */
  public CloseableIterator<Row> iterator(Predicate<BlockMetaData> keepRowGroup, long[] deletedPositions) {
    if (iterated) {
      throw new IllegalStateException("rows of " + location + " can be iterated only once");
    }
    iterated = true;
    return new Rows(keepRowGroup, deletedPositions);
  }

  /** @return how many rows the iterator passed over because their positions were deleted */
  public long deletedRowsPassedOver() {
    return passedOver;
  }

  private static final long[] NO_POSITIONS = new long[0];
  private long passedOver;

  /** Closes the file. */
  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new StorageException("failed closing " + location + ": " + e.getMessage(), e);
    }
  }

  private void closeQuietly() {
    try {
      reader.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing
    }
  }

  static DataShardException translate(String location, String action, Exception e) {
    return translate(location, null, action, e);
  }

  /**
   * Like {@link #translate(String, String, Exception)}; a failure of Parquet's decryption (an AES-GCM tag that does
   * not match, a key the file names that is not there, an encrypted file read without keys) becomes a
   * {@link DataFileDecryptionException} naming the table and the master key. Its message never holds key bytes.
   */
  static DataShardException translate(String location, FileDecryption decryption, String action, Exception e) {
    Throwable crypto = cryptoFailure(e);
    if (crypto != null) {
      String who = decryption == null ? "" : "table " + decryption.table() + ": ";
      String detail = crypto.getMessage() == null ? crypto.getClass().getSimpleName() : crypto.getMessage();
      if (decryption == null) {
        return new DataFileDecryptionException(who + "data file " + location + " is encrypted and was read without "
            + "keys (its manifest entry has no key_metadata): " + detail, e);
      }
      return new DataFileDecryptionException(who + "data file " + location + " (master key '"
          + decryption.masterKeyId() + "') failed authentication: it was altered or replaced since it was written, "
          + "or written with another data key; no row of it is returned (" + detail + ")", e);
    }
    if (e instanceof DataShardException) {
      return (DataShardException) e;
    }
    if (e instanceof InputFileAdapter.StorageReadFailure) {
      return new StorageException("failed reading " + location + ": " + e.getMessage(), e.getCause());
    }
    String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (decryption != null) {
      // An encrypted file that does not even parse is not the file that was written (or it rotted): same verdict.
      return new DataFileDecryptionException("table " + decryption.table() + ": data file " + location
          + " (master key '" + decryption.masterKeyId() + "') failed authentication: it was altered or replaced "
          + "since it was written; no row of it is returned (" + action + " Parquet data: " + what + ")", e);
    }
    return new CorruptMetadataException(location, action + " Parquet data: " + what, e);
  }

  /**
   * parquet-java allocates the buffer of an encrypted module from the module's 4-byte length prefix before reading
   * it, so one altered bit there asks for up to 2 GiB. That single failed allocation holds no memory afterwards; it
   * is reported as the damaged file it is, not as the process running out of memory.
   */
  static DataShardException oversized(String location, FileDecryption decryption, OutOfMemoryError e) {
    String what = "a length in it asks for more memory than the JVM has (" + e.getMessage() + "): the file is corrupt "
        + "or was altered";
    if (decryption != null) {
      return new DataFileDecryptionException("table " + decryption.table() + ": data file " + location
          + " (master key '" + decryption.masterKeyId() + "') failed authentication: " + what
          + "; no row of it is returned", e);
    }
    return new CorruptMetadataException(location, "cannot read Parquet data: " + what, e);
  }

  private static Throwable cryptoFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.parquet.crypto.ParquetCryptoRuntimeException
          || t instanceof javax.crypto.AEADBadTagException) {
        return t;
      }
    }
    return null;
  }

  /**
   * Rows assembled straight from the column readers: every column is flat (one value or null per row), so
   * parquet-java's record-assembly state machine, built for nested data, would only add work per value.
   */
  /**
   * @return the position in the file (0-based, counting every row of the file, skipped row groups included) of
   *     the row the latest iterator returned last; -1 before the first. Position deletes refer to rows by it.
   */
  public long lastRowPosition() {
    return lastPosition;
  }

  private long nextPosition;
  private long lastPosition = -1;

  private final class Rows implements CloseableIterator<Row> {
    private final Predicate<BlockMetaData> keep;
    private final List<BlockMetaData> blocks = reader.getRowGroups();
    private final String createdBy = reader.getFileMetaData().getCreatedBy();
    private final List<ColumnDescriptor> descriptors = requested.getColumns();
    private final int[] maxDefinition = new int[descriptors.size()];
    private final RowMaterializer materializer;
    private final GroupConverter rowStart;
    private int nextBlock;
    private ColumnReader[] columns;
    private RecordReader<Object[]> records;
    private final MessageColumnIO columnIO = nested ? new ColumnIOFactory().getColumnIO(requested, fileSchema) : null;
    private long remaining;
    private final long[] deleted;
    private int nextDeleted;

    Rows(Predicate<BlockMetaData> keep, long[] deleted) {
      this.keep = keep;
      this.deleted = deleted;
      this.materializer = new RowMaterializer(location, requested, targets, projectedFields, projection.size());
      this.rowStart = materializer.getRootConverter();
      for (int i = 0; i < maxDefinition.length; i++) {
        maxDefinition[i] = descriptors.get(i).getMaxDefinitionLevel();
      }
    }

    @Override
    public boolean hasNext() {
      while (nextRowGroupIfNeeded()) {
        if (!passOverIfDeleted()) {
          return true;
        }
      }
      return false;
    }

    /** @return whether the row at the next position was deleted (then it has been passed over) */
    private boolean passOverIfDeleted() {
      while (nextDeleted < deleted.length && deleted[nextDeleted] < nextPosition) {
        nextDeleted++; // in a row group that was not read, or listed twice
      }
      if (nextDeleted >= deleted.length || deleted[nextDeleted] != nextPosition) {
        return false;
      }
      nextDeleted++;
      remaining--;
      nextPosition++;
      passedOver++;
      try {
        if (records != null) {
          records.read(); // nested columns: assembled and dropped
        } else if (columns != null) {
          for (int i = 0; i < columns.length; i++) {
            ColumnReader column = columns[i];
            if (column.getCurrentDefinitionLevel() == maxDefinition[i]) {
              column.skip();
            }
            column.consume();
          }
        }
      } catch (RuntimeException e) {
        throw translate(location, decryption, "cannot decode", e);
      }
      return true;
    }

    /** @return whether a row is left, reading the next kept row group when the current one is done */
    private boolean nextRowGroupIfNeeded() {
      try {
        while (remaining == 0) {
          if (nextBlock >= blocks.size()) {
            return false;
          }
          BlockMetaData block = blocks.get(nextBlock++);
          if (!keep.test(block)) {
            reader.skipNextRowGroup();
            nextPosition += block.getRowCount();
            continue;
          }
          if (targets.length == 0) {
            // none of the projected columns is in the file: every value is null
            reader.skipNextRowGroup();
            columns = null;
            records = null;
            remaining = block.getRowCount();
            continue;
          }
          PageReadStore pages = reader.readNextRowGroup();
          if (pages == null) {
            throw new CorruptMetadataException(location, "row group " + (nextBlock - 1) + " is missing");
          }
          remaining = pages.getRowCount();
          if (nested) {
            records = columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
            columns = new ColumnReader[0];
            continue;
          }
          ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, rowStart, requested, createdBy);
          columns = new ColumnReader[descriptors.size()];
          for (int i = 0; i < columns.length; i++) {
            columns[i] = store.getColumnReader(descriptors.get(i));
          }
          remaining = pages.getRowCount();
        }
        return true;
      } catch (IOException | RuntimeException e) {
        throw translate(location, decryption, "cannot read", e);
      } catch (OutOfMemoryError e) {
        throw oversized(location, decryption, e);
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      remaining--;
      lastPosition = nextPosition++;
      if (columns == null) {
        return Row.wrap(projection, withDefaults(new Object[projection.size()]));
      }
      try {
        if (records != null) {
          return Row.wrap(projection, withDefaults(records.read()));
        }
        rowStart.start();
        for (int i = 0; i < columns.length; i++) {
          ColumnReader column = columns[i];
          if (column.getCurrentDefinitionLevel() == maxDefinition[i]) {
            column.writeCurrentValueToConverter();
          }
          column.consume();
        }
        return Row.wrap(projection, withDefaults(materializer.getCurrentRecord()));
      } catch (RuntimeException e) {
        throw translate(location, decryption, "cannot decode", e);
      } catch (OutOfMemoryError e) {
        throw oversized(location, decryption, e);
      }
    }

    @Override
    public void close() {
      remaining = 0;
      nextBlock = blocks.size();
    }
  }
}
