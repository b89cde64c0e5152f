package io.datashard.scan;

import io.datashard.CloseableIterator;
import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Types;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.parquet.DataFileReader;
import io.datashard.storage.CountingInputFile;
import io.datashard.storage.StorageBackend;
import io.datashard.types.FieldAccessor;
import io.datashard.types.StructProjection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Row-level deletes of a snapshot (Iceberg v2 position and equality delete files, v3 deletion vectors) and their
 * application to data files, with the spec's rules (a deletion vector is a position delete of one data file): a position delete applies to data files of the same partition whose data sequence
 * number is at most its own; an equality delete to data files whose data sequence number is lower than its own, in
 * the same partition, or in every partition when it was written unpartitioned. Each delete file is read once per
 * scan run (position deletes indexed by data file, equality deletes as a set of keys), then shared by every data
 * file it applies to.
 */
final class RowDeletes {
  /** Iceberg's reserved field ids of a position delete file's columns. */
  static final int FILE_PATH_ID = 2147483546;
  static final int POS_ID = 2147483545;
  private static final Schema POSITION_SCHEMA = Schema.of(Field.required(FILE_PATH_ID, "file_path", Types.STRING),
      Field.required(POS_ID, "pos", Types.LONG));

  /** A live delete file with what decides where it applies. */
  private record Delete(DataFile file, long dataSequenceNumber, boolean global) {
  }

  /** The delete files that apply to one data file. */
  record Applicable(List<DataFile> positionDeletes, List<DataFile> equalityDeletes) {
  }

  private final List<Delete> positionDeletes = new ArrayList<>();
  private final List<Delete> equalityDeletes = new ArrayList<>();
  private final Set<Integer> equalityIds = new java.util.TreeSet<>();

  /**
   * @param entry a live entry of a delete manifest
   * @param spec the spec the delete file was written with
   */
  void add(ManifestEntry entry, PartitionSpec spec) {
    DataFile f = entry.file();
    long seq = entry.dataSequenceNumber() == null ? 0 : entry.dataSequenceNumber();
    if (f.isDeletionVector() && (f.referencedDataFile() == null || f.contentOffset() == null
        || f.contentSizeInBytes() == null)) {
      throw new io.datashard.CorruptMetadataException(f.location(), "deletion vector entry without "
          + "referenced_data_file, content_offset or content_size_in_bytes");
    }
    if (f.content() == DataFile.CONTENT_POSITION_DELETES) {
      positionDeletes.add(new Delete(f, seq, false));
    } else {
      if (f.equalityIds() == null || f.equalityIds().isEmpty()) {
        throw new io.datashard.CorruptMetadataException(f.location(), "equality delete file without equality ids");
      }
      equalityDeletes.add(new Delete(f, seq, spec.isUnpartitioned()));
      equalityIds.addAll(f.equalityIds());
    }
  }

  boolean isEmpty() {
    return positionDeletes.isEmpty() && equalityDeletes.isEmpty();
  }

  /** @return the field ids equality deletes compare on (they must be read along with the projection) */
  Set<Integer> equalityIds() {
    return equalityIds;
  }

  /** @return the number of live delete files */
  int size() {
    return positionDeletes.size() + equalityDeletes.size();
  }

  /**
   * @param data a live data file
   * @param dataSequenceNumber its data sequence number
   * @return the deletes that apply to it, or null when none do
   */
  Applicable forDataFile(DataFile data, long dataSequenceNumber) {
    List<DataFile> pos = new ArrayList<>();
    for (Delete d : positionDeletes) {
      if (d.dataSequenceNumber >= dataSequenceNumber && samePartition(d.file, data)
          && (d.file.referencedDataFile() == null || d.file.referencedDataFile().equals(data.location()))
          && mayReference(d.file, data.location())) {
        pos.add(d.file);
      }
    }
    List<DataFile> eq = new ArrayList<>();
    for (Delete d : equalityDeletes) {
      if (d.dataSequenceNumber > dataSequenceNumber && (d.global || samePartition(d.file, data))) {
        eq.add(d.file);
      }
    }
    return pos.isEmpty() && eq.isEmpty() ? null : new Applicable(pos, eq);
  }

  private static boolean samePartition(DataFile delete, DataFile data) {
    return delete.specId() == data.specId() && delete.partition().equals(data.partition());
  }

  /** Prunes a position delete file by the bounds of its file_path column. */
  private static boolean mayReference(DataFile delete, String location) {
    ByteBuffer lo = delete.lowerBound(FILE_PATH_ID);
    ByteBuffer hi = delete.upperBound(FILE_PATH_ID);
    if (lo != null && location.compareTo(utf8(lo)) < 0) {
      return false;
    }
    // an upper bound may be truncated: compare on its length only
    if (hi != null) {
      String upper = utf8(hi);
      String prefix = location.length() > upper.length() ? location.substring(0, upper.length()) : location;
      return prefix.compareTo(upper) <= 0;
    }
    return true;
  }

  private static String utf8(ByteBuffer b) {
    return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
  }

  /** Reads delete files for one scan run, each once, and filters a data file's rows. Thread-safe. */
  static final class Loader {
    private final StorageBackend storage;
    private final Schema tableSchema;
    private final ScanMetrics metrics;
    private final Map<String, Map<String, long[]>> positionsByDeleteFile = new ConcurrentHashMap<>();
    private final Map<String, Set<List<Object>>> keysByDeleteFile = new ConcurrentHashMap<>();

    private final KeyBudget keyBudget;

    Loader(StorageBackend storage, Schema tableSchema, ScanMetrics metrics, KeyBudget keyBudget) {
      this.storage = storage;
      this.tableSchema = tableSchema;
      this.metrics = metrics;
      this.keyBudget = keyBudget;
    }

    /**
     * @return the sorted deleted positions of a data file, from all its position delete files: the array read from
     *     the one delete file that names it, shared read-only, or the merge of several
     */
    long[] deletedPositions(Applicable deletes, String dataLocation) {
      long[] all = null;
      boolean merged = false;
      for (DataFile d : deletes.positionDeletes()) {
        long[] p = d.isDeletionVector()
            ? positionsByDeleteFile.computeIfAbsent(d.location() + "#" + d.contentOffset(), k -> readVector(d))
                .get(dataLocation)
            : positionsByDeleteFile.computeIfAbsent(d.location(), k -> readPositions(d)).get(dataLocation);
        if (p == null) {
          continue;
        }
        if (all == null) {
          all = p; // sorted when read
        } else {
          long[] both = Arrays.copyOf(all, all.length + p.length);
          System.arraycopy(p, 0, both, all.length, p.length);
          all = both;
          merged = true;
        }
      }
      if (all == null) {
        return new long[0];
      }
      if (merged) {
        Arrays.sort(all);
      }
      return all;
    }

    /** Reads a deletion vector (format version 3): one blob of a Puffin file, for one data file. */
    private Map<String, long[]> readVector(DataFile dv) {
      long[] positions = io.datashard.puffin.DeletionVector.read(open(dv), dv.contentOffset(),
          dv.contentSizeInBytes(), dv.recordCount());
      return Map.of(dv.referencedDataFile(), positions);
    }

    /**
     * Reads a position delete file into sorted positions per data file. The spec orders its rows by file_path, then
     * pos, so consecutive rows usually name the same data file: their positions go into one primitive buffer without
     * a map lookup or boxing (this load is on the critical path of the first data file the scan opens).
     */
    private Map<String, long[]> readPositions(DataFile d) {
      return positionsOf(open(d));
    }

    /** Adds positions to a data file's (a file's rows may come in several runs when the file is not ordered). */
    private static void append(Map<String, long[]> out, String path, long[] buffer, int size) {
      long[] before = out.get(path);
      if (before == null) {
        out.put(path, Arrays.copyOf(buffer, size));
      } else {
        long[] merged = Arrays.copyOf(before, before.length + size);
        System.arraycopy(buffer, 0, merged, before.length, size);
        out.put(path, merged);
      }
    }

    /** @return the sorted positions per data file of a position delete file (see {@link #readPositions}) */
    static Map<String, long[]> positionsOf(io.datashard.storage.InputFile file) {
      Map<String, long[]> out = new HashMap<>();
      String path = null;
      long[] buffer = new long[1024];
      int size = 0;
      try (CloseableIterator<Row> rows = DataFileReader.read(file, POSITION_SCHEMA)) {
        while (rows.hasNext()) {
          Row r = rows.next();
          String p = (String) r.get(0);
          if (!p.equals(path)) {
            if (path != null) {
              append(out, path, buffer, size);
            }
            path = p;
            size = 0;
          }
          if (size == buffer.length) {
            buffer = Arrays.copyOf(buffer, size * 2);
          }
          buffer[size++] = (Long) r.get(1);
        }
      }
      if (path != null) {
        append(out, path, buffer, size);
      }
      for (long[] positions : out.values()) {
        if (!isSorted(positions)) {
          Arrays.sort(positions); // written by a writer that did not follow the spec's order
        }
      }
      return out;
    }

    private static boolean isSorted(long[] a) {
      for (int i = 1; i < a.length; i++) {
        if (a[i - 1] > a[i]) {
          return false;
        }
      }
      return true;
    }

    /** @return the keys an equality delete file deletes, in the order of its equality ids */
    Set<List<Object>> keys(DataFile d) {
      return keysByDeleteFile.computeIfAbsent(d.location(), k -> readKeys(d));
    }

    private Set<List<Object>> readKeys(DataFile d) {
      Schema keySchema = keySchema(tableSchema, d.equalityIds());
      FieldAccessor[] accessors = accessors(keySchema, d.equalityIds());
      Set<List<Object>> keys = new HashSet<>();
      try (CloseableIterator<Row> rows = DataFileReader.read(open(d), keySchema)) {
        while (rows.hasNext()) {
          List<Object> key = key(rows.next(), accessors);
          if (keys.add(key)) {
            keyBudget.charge(key, d);
          }
        }
      }
      return keys;
    }

    private io.datashard.storage.InputFile open(DataFile d) {
      metrics.filesRead.incrementAndGet();
      return new CountingInputFile(storage.newInputFile(d.location(), d.fileSizeInBytes()), metrics.bytesRead);
    }
  }

  /** @return the table's columns holding the given field ids (pruned to them through structs) */
  static Schema keySchema(Schema tableSchema, List<Integer> ids) {
    for (int id : ids) {
      if (tableSchema.findField(id) == null) {
        throw new io.datashard.UnsupportedTableFeatureException("an equality delete compares on field id " + id
            + ", which is not in the table schema");
      }
    }
    return StructProjection.columnsOf(tableSchema, ids);
  }

  static FieldAccessor[] accessors(Schema schema, List<Integer> ids) {
    FieldAccessor[] out = new FieldAccessor[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = FieldAccessor.of(schema, ids.get(i));
      if (out[i] == null) {
        throw new io.datashard.UnsupportedTableFeatureException("an equality delete compares on field id "
            + ids.get(i) + ", which lies inside a list or a map");
      }
    }
    return out;
  }

  static List<Object> key(Row row, FieldAccessor[] accessors) {
    Object[] k = new Object[accessors.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = accessors[i].get(row);
    }
    return Arrays.asList(k);
  }

  /**
   * The memory one scan run may hold for equality-delete keys ({@link io.datashard.TableProperties
   * #EQUALITY_DELETE_MEMORY_BYTES}), estimated per key; exceeding it fails the scan with a message saying what to
   * do, instead of running out of heap. Thread-safe.
   */
  static final class KeyBudget {
    private final String table;
    private final long limit;
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();

    KeyBudget(String table, long limit) {
      this.table = table;
      this.limit = limit;
    }

    static KeyBudget of(io.datashard.metadata.TableMetadata metadata) {
      String configured = metadata.properties().get(io.datashard.TableProperties.EQUALITY_DELETE_MEMORY_BYTES);
      long limit;
      if (configured == null) {
        limit = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
      } else {
        try {
          limit = Long.parseLong(configured.trim());
        } catch (NumberFormatException e) {
          throw new io.datashard.ValidationException("table property "
              + io.datashard.TableProperties.EQUALITY_DELETE_MEMORY_BYTES + " must be a number of bytes, got '"
              + configured + "'");
        }
      }
      return new KeyBudget(metadata.location(), limit);
    }

    void charge(List<Object> key, DataFile from) {
      long bytes = 48; // hash-set entry, the key's list and array
      for (Object v : key) {
        bytes += estimate(v);
      }
      long total = used.addAndGet(bytes);
      if (total > limit) {
        throw new io.datashard.DataShardException("table " + table + ": the keys of its equality delete files need more"
            + " than the " + (limit >> 20) + " MiB a scan may hold for them (table property "
            + io.datashard.TableProperties.EQUALITY_DELETE_MEMORY_BYTES + ", exceeded while reading " + from.location()
            + "). Compact the table (rewriteDataFiles) to fold the deletes into its data files, raising the property"
            + " for that run if compaction hits this limit too");
      }
    }

    private static long estimate(Object v) {
      if (v == null) {
        return 8;
      }
      if (v instanceof String str) {
        return 48 + 2L * str.length();
      }
      if (v instanceof java.nio.ByteBuffer b) {
        return 64 + b.remaining();
      }
      if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
        return 24;
      }
      return 64;
    }
  }

  /** A data file's rows without the ones its equality deletes match (position deletes are applied by the reader). */
  static final class Filtered implements CloseableIterator<Row> {
    private final CloseableIterator<Row> rows;
    private final FieldAccessor[][] keyAccessors;
    private final List<Set<List<Object>>> keySets;
    private final ScanMetrics metrics;
    private Row next;

    Filtered(CloseableIterator<Row> rows, Schema readSchema, List<DataFile> equalityDeletes, Loader loader,
        ScanMetrics metrics) {
      this.rows = rows;
      this.metrics = metrics;
      this.keyAccessors = new FieldAccessor[equalityDeletes.size()][];
      this.keySets = new ArrayList<>();
      for (int i = 0; i < equalityDeletes.size(); i++) {
        DataFile d = equalityDeletes.get(i);
        keyAccessors[i] = accessors(readSchema, d.equalityIds());
        keySets.add(loader.keys(d));
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null && rows.hasNext()) {
        Row r = rows.next();
        if (isEqualityDeleted(r)) {
          metrics.rowsDeleted.incrementAndGet();
          continue;
        }
        next = r;
      }
      return next != null;
    }

    private boolean isEqualityDeleted(Row r) {
      for (int i = 0; i < keyAccessors.length; i++) {
        if (keySets.get(i).contains(key(r, keyAccessors[i]))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Row r = next;
      next = null;
      return r;
    }

    @Override
    public void close() {
      rows.close();
    }
  }
}
