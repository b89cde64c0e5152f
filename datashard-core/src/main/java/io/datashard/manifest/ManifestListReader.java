package io.datashard.manifest;

import io.datashard.CorruptMetadataException;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.PartitionFieldSummary;
import io.datashard.storage.InputFile;
import io.datashard.storage.StorageBackend;
import io.datashard.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Reads an Iceberg manifest list ({@code manifest_file} rows), projecting by field id so lists written by
 * Apache Iceberg or other writers (with extra fields such as {@code first_row_id}, or v1 lists without
 * sequence numbers) are read too.
 *
 * <p>Fields missing from v1 lists are read as the spec says: content 0, sequence numbers 0. Missing file
 * or row counts (allowed only in v1) are read as -1, meaning unknown.
 */
public final class ManifestListReader {
  private static final int PATH = 500;
  private static final int LENGTH = 501;
  private static final int SPEC_ID = 502;
  private static final int CONTENT = 517;
  private static final int SEQ = 515;
  private static final int MIN_SEQ = 516;
  private static final int SNAPSHOT_ID = 503;
  private static final int ADDED_FILES = 504;
  private static final int EXISTING_FILES = 505;
  private static final int DELETED_FILES = 506;
  private static final int ADDED_ROWS = 512;
  private static final int EXISTING_ROWS = 513;
  private static final int DELETED_ROWS = 514;
  private static final int PARTITIONS = 507;
  private static final int CONTAINS_NULL = 509;
  private static final int CONTAINS_NAN = 518;
  private static final int LOWER = 510;
  private static final int UPPER = 511;
  private static final int FIRST_ROW_ID = 520;

  private ManifestListReader() {
  }

  /**
   * Reads a whole manifest list with a single read of the file.
   *
   * @throws CorruptMetadataException when the file is not a valid manifest list
   * @throws io.datashard.storage.FileNotFoundInStorageException when it does not exist
   */
  public static List<ManifestFile> read(StorageBackend storage, String location) {
    return read(location, storage.readAll(location));
  }

  /**
   * @param location the file's location (for messages)
   * @param content the whole file
   * @return the manifests, in file order
   * @throws CorruptMetadataException when the content is not a valid manifest list
   */
  public static List<ManifestFile> read(String location, byte[] content) {
    List<ManifestFile> manifests = read(AvroMetadataFile.open(location, new ByteArrayInputStream(content)));
    AvroMetadataFile.checkEndsWithSync(location, content);
    return manifests;
  }

  /**
   * Reads a whole manifest list (it is loaded into memory first, so truncation can be detected).
   *
   * @return the manifests, in file order
   * @throws CorruptMetadataException when the file is not a valid manifest list
   */
  public static List<ManifestFile> read(InputFile file) {
    byte[] content;
    try (InputStream in = file.newStream()) {
      content = in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("cannot read manifest list " + file.location() + ": " + e.getMessage(), e);
    }
    return read(file.location(), content);
  }

  private static List<ManifestFile> read(AvroMetadataFile f) {
    try (f) {
      Schema schema = f.schema();
      if (schema.getType() != Schema.Type.RECORD) {
        throw new CorruptMetadataException(f.location(), "manifest list schema is not a record but " + schema.getType());
      }
      Map<Integer, Integer> pos = AvroMetadataFile.fieldPositions(schema);
      for (int required : new int[] {PATH, LENGTH, SPEC_ID, SNAPSHOT_ID}) {
        if (!pos.containsKey(required)) {
          throw new CorruptMetadataException(f.location(),
              "not a manifest list: the Avro schema has no field with field-id " + required + " (" + schema.getName()
                  + ")");
        }
      }
      int[] summaryPos = null;
      Integer partitionsPos = pos.get(PARTITIONS);
      if (partitionsPos != null) {
        Schema list = ManifestWriter.nonNull(schema.getFields().get(partitionsPos).schema());
        Schema summary = list.getType() == Schema.Type.ARRAY ? ManifestWriter.nonNull(list.getElementType()) : null;
        if (summary == null || summary.getType() != Schema.Type.RECORD) {
          throw new CorruptMetadataException(f.location(), "field 'partitions' is not a list of records");
        }
        Map<Integer, Integer> sp = AvroMetadataFile.fieldPositions(summary);
        summaryPos = new int[] {idx(sp, CONTAINS_NULL), idx(sp, CONTAINS_NAN), idx(sp, LOWER), idx(sp, UPPER)};
      }

      List<ManifestFile> out = new ArrayList<>();
      while (f.hasNext()) {
        Object[] r = f.next();
        try {
          out.add(toManifestFile(r, pos, partitionsPos, summaryPos));
        } catch (ClassCastException | NullPointerException e) {
          throw new CorruptMetadataException(f.location(), "manifest list row " + out.size()
              + " has a missing or mistyped value (" + e.getMessage() + ")", e);
        }
      }
      return out;
    }
  }

  private static int idx(Map<Integer, Integer> pos, int id) {
    Integer p = pos.get(id);
    return p == null ? -1 : p;
  }

  private static ManifestFile toManifestFile(Object[] r, Map<Integer, Integer> pos, Integer partitionsPos,
                                             int[] summaryPos) {
    String path = (String) required(r, pos, PATH);
    long length = (Long) required(r, pos, LENGTH);
    int specId = (Integer) required(r, pos, SPEC_ID);
    long snapshotId = (Long) required(r, pos, SNAPSHOT_ID);
    int content = intOr(r, pos, CONTENT, 0);
    long seq = longOr(r, pos, SEQ, 0L);
    long minSeq = longOr(r, pos, MIN_SEQ, 0L);
    List<PartitionFieldSummary> summaries = List.of();
    if (partitionsPos != null && r[partitionsPos] != null) {
      List<?> list = (List<?>) r[partitionsPos];
      List<PartitionFieldSummary> s = new ArrayList<>(list.size());
      for (Object o : list) {
        Object[] fs = (Object[]) o;
        Object containsNull = at(fs, summaryPos[0]);
        s.add(new PartitionFieldSummary(containsNull != null && (Boolean) containsNull,
            (Boolean) at(fs, summaryPos[1]), readOnly(at(fs, summaryPos[2])), readOnly(at(fs, summaryPos[3]))));
      }
      summaries = s;
    }
    return new ManifestFile(path, length, specId, content, seq, minSeq, snapshotId,
        intOr(r, pos, ADDED_FILES, -1), intOr(r, pos, EXISTING_FILES, -1), intOr(r, pos, DELETED_FILES, -1),
        longOr(r, pos, ADDED_ROWS, -1L), longOr(r, pos, EXISTING_ROWS, -1L), longOr(r, pos, DELETED_ROWS, -1L),
        summaries, pos.containsKey(FIRST_ROW_ID) ? (Long) r[pos.get(FIRST_ROW_ID)] : null);
  }

  private static Object required(Object[] r, Map<Integer, Integer> pos, int id) {
    Object v = r[pos.get(id)];
    if (v == null) {
      throw new NullPointerException("required field-id " + id + " is null");
    }
    return v;
  }

  private static int intOr(Object[] r, Map<Integer, Integer> pos, int id, int dflt) {
    Integer p = pos.get(id);
    return p == null || r[p] == null ? dflt : (Integer) r[p];
  }

  private static long longOr(Object[] r, Map<Integer, Integer> pos, int id, long dflt) {
    Integer p = pos.get(id);
    return p == null || r[p] == null ? dflt : (Long) r[p];
  }

  private static Object at(Object[] r, int p) {
    return p < 0 ? null : r[p];
  }

  private static ByteBuffer readOnly(Object o) {
    return o == null ? null : ((ByteBuffer) o).asReadOnlyBuffer();
  }
}
