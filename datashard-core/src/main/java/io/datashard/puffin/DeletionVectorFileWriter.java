package io.datashard.puffin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.StorageException;
import io.datashard.metadata.DataFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one Puffin file holding the deletion vectors of one operation (format version 3), one
 * {@code deletion-vector-v1} blob per data file, with the footer the Puffin spec defines: {@code PFA1}, the blobs,
 * then {@code PFA1}, the JSON file metadata (each blob's type, offset, length, {@code referenced-data-file} and
 * {@code cardinality}; snapshot id and sequence number -1, as they are not known yet), its length, the flags
 * (uncompressed) and {@code PFA1} again. Not thread-safe; close it.
 */
public final class DeletionVectorFileWriter implements AutoCloseable {
  private static final byte[] MAGIC = {0x50, 0x46, 0x41, 0x31};
  /** The field id Iceberg's deletion vectors are computed for: the row position, {@code _pos}. */
  private static final int ROW_POSITION_FIELD_ID = Integer.MAX_VALUE - 2;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One vector as written: where its blob is in the file and what it deletes.
   *
   * @param dataFile the data file whose rows it deletes
   * @param offset where the blob starts
   * @param length the blob's length
   * @param cardinality the positions it holds
   */
  public record Written(DataFile dataFile, long offset, long length, long cardinality) {
  }

  private final String location;
  private final PositionOutputStream out;
  private final List<Written> written = new ArrayList<>();
  private long fileSize = -1;

  /** Creates the file and writes its leading magic. */
  public DeletionVectorFileWriter(OutputFile file) {
    this.location = file.location();
    this.out = file.create();
    try {
      out.write(MAGIC);
    } catch (IOException e) {
      abandon();
      throw failure(e);
    }
  }

  /**
   * Adds the vector of one data file.
   *
   * @param dataFile the data file
   * @param positions its deleted positions, ascending and distinct
   * @return where the vector was written
   */
  public Written add(DataFile dataFile, long[] positions) {
    byte[] blob = DeletionVector.encode(positions);
    try {
      long offset = out.getPos();
      out.write(blob);
      Written w = new Written(dataFile, offset, blob.length, positions.length);
      written.add(w);
      return w;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** @return the vectors written so far */
  public List<Written> written() {
    return List.copyOf(written);
  }

  /**
   * @return the manifest entries of the vectors written (position deletes of format {@code PUFFIN} in each data
   *     file's spec and partition, with the blob's offset and length), once closed
   */
  public List<DataFile> deleteFiles() {
    List<DataFile> out = new ArrayList<>(written.size());
    for (Written v : written) {
      out.add(DataFile.builder().content(DataFile.CONTENT_POSITION_DELETES).location(location).fileFormat("PUFFIN")
          .specId(v.dataFile().specId()).partition(v.dataFile().partition()).recordCount(v.cardinality())
          .fileSizeInBytes(fileSize()).referencedDataFile(v.dataFile().location()).contentOffset(v.offset())
          .contentSizeInBytes(v.length()).build());
    }
    return out;
  }

  /** @return the file's size once closed */
  public long fileSize() {
    if (fileSize < 0) {
      throw new IllegalStateException("close the deletion vector file " + location + " first");
    }
    return fileSize;
  }

  /** @return the file's location */
  public String location() {
    return location;
  }

  /** Writes the footer and completes the file. */
  @Override
  public void close() {
    if (fileSize >= 0) {
      return;
    }
    try {
      byte[] payload = footerJson();
      out.write(MAGIC);
      out.write(payload);
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length).putInt(0).array());
      out.write(MAGIC);
      out.close();
      fileSize = out.getPos();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private byte[] footerJson() throws IOException {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(json)) {
      g.writeStartObject();
      g.writeArrayFieldStart("blobs");
      for (Written w : written) {
        g.writeStartObject();
        g.writeStringField("type", "deletion-vector-v1");
        g.writeArrayFieldStart("fields");
        g.writeNumber(ROW_POSITION_FIELD_ID);
        g.writeEndArray();
        g.writeNumberField("snapshot-id", -1);
        g.writeNumberField("sequence-number", -1);
        g.writeNumberField("offset", w.offset());
        g.writeNumberField("length", w.length());
        g.writeObjectFieldStart("properties");
        g.writeStringField("referenced-data-file", w.dataFile().location());
        g.writeStringField("cardinality", Long.toString(w.cardinality()));
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("properties");
      g.writeStringField("created-by", "DataShard");
      g.writeEndObject();
      g.writeEndObject();
    }
    return json.toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }

  private void abandon() {
    try {
      out.close();
    } catch (IOException | RuntimeException ignored) {
      // the file is left for orphan-file removal
    }
  }

  private StorageException failure(IOException e) {
    return new StorageException("cannot write deletion vectors to " + location + ": " + e.getMessage(), e);
  }
}
