package io.datashard.manifest;

import io.datashard.CorruptMetadataException;
import io.datashard.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * An open Avro metadata file (manifest or manifest list) read record by record with {@link AvroTreeReader};
 * every decoding failure becomes a {@link CorruptMetadataException} naming the file.
 */
final class AvroMetadataFile implements AutoCloseable {
  private static final int SYNC_SIZE = 16;
  private final String location;
  private final InputStream in;
  private final DataFileStream<Object> stream;

  private AvroMetadataFile(String location, InputStream in, DataFileStream<Object> stream) {
    this.location = location;
    this.in = in;
    this.stream = stream;
  }

  static AvroMetadataFile open(String location, InputStream in) {
    try {
      return new AvroMetadataFile(location, in, new DataFileStream<>(in, new AvroTreeReader()));
    } catch (IOException | RuntimeException e) {
      closeQuietly(in, e);
      if (e instanceof StorageException) {
        throw (StorageException) e;
      }
      throw new CorruptMetadataException(location, "not a readable Avro file (" + describe(e) + ")", e);
    }
  }

  Schema schema() {
    return stream.getSchema();
  }

  Map<String, String> metadata() {
    Map<String, String> meta = new HashMap<>();
    for (String key : stream.getMetaKeys()) {
      if (!key.startsWith("avro.")) {
        meta.put(key, stream.getMetaString(key));
      }
    }
    return meta;
  }

  boolean hasNext() {
    try {
      return stream.hasNext();
    } catch (RuntimeException e) {
      throw new CorruptMetadataException(location, "damaged or truncated Avro data (" + describe(e) + ")", e);
    }
  }

  Object[] next() {
    try {
      Object o = stream.next();
      if (!(o instanceof Object[])) {
        throw new CorruptMetadataException(location, "Avro rows are not records");
      }
      return (Object[]) o;
    } catch (NoSuchElementException | CorruptMetadataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptMetadataException(location, "damaged or truncated Avro data (" + describe(e) + ")", e);
    }
  }

  String location() {
    return location;
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (IOException e) {
      throw new StorageException("cannot close " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that a whole Avro file ends with its sync marker, as every complete Avro container file does.
   * Avro's own reader treats a file cut inside a block header as a clean end, silently dropping the rest.
   *
   * @throws CorruptMetadataException when it does not
   */
  static void checkEndsWithSync(String location, byte[] content) {
    byte[] sync = new byte[SYNC_SIZE];
    try {
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(content, null);
      in.skipFixed(4); // magic, already checked when opening
      for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
        for (long i = 0; i < n; i++) {
          in.skipString();
          in.skipBytes();
        }
      }
      in.readFixed(sync);
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetadataException(location, "damaged Avro header (" + describe(e) + ")", e);
    }
    if (content.length < SYNC_SIZE || !Arrays.equals(content, content.length - SYNC_SIZE, content.length, sync, 0,
        SYNC_SIZE)) {
      throw new CorruptMetadataException(location, "truncated Avro file: it does not end with its sync marker");
    }
  }

  /** @return the position of each field id in a record schema */
  static Map<Integer, Integer> fieldPositions(Schema record) {
    List<Schema.Field> fields = record.getFields();
    Map<Integer, Integer> byId = new HashMap<>(fields.size() * 2);
    for (int i = 0; i < fields.size(); i++) {
      Object id = fields.get(i).getObjectProp(ManifestSchemas.FIELD_ID_PROP);
      if (id instanceof Number) {
        byId.put(((Number) id).intValue(), i);
      }
    }
    return byId;
  }

  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && (t instanceof AvroRuntimeException)) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private static void closeQuietly(InputStream in, Exception primary) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }
}
