package io.datashard.manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Decodes Avro data with the writer's own schema into plain Java values, without schema resolution: records
 * become {@code Object[]} in field order, arrays {@link List}, maps {@link Map}, strings {@link String},
 * bytes {@link ByteBuffer}, fixed {@code byte[]}, enums their symbol. Callers project by field id afterwards,
 * which is how Iceberg readers treat Avro metadata files.
 *
 * <p>This avoids building Avro's resolving decoder for every file (each manifest carries its own schema
 * instance), which dominates the cost of reading small manifests with {@code GenericDatumReader}.
 */
final class AvroTreeReader implements DatumReader<Object> {
  private Schema schema;

  @Override
  public void setSchema(Schema writerSchema) {
    this.schema = writerSchema;
  }

  @Override
  public Object read(Object reuse, Decoder in) throws IOException {
    return read(schema, in);
  }

  private static Object read(Schema s, Decoder in) throws IOException {
    switch (s.getType()) {
      case RECORD: {
        List<Schema.Field> fields = s.getFields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = read(fields.get(i).schema(), in);
        }
        return values;
      }
      case UNION: {
        int branch = in.readIndex();
        List<Schema> types = s.getTypes();
        if (branch < 0 || branch >= types.size()) {
          throw new IOException("union branch " + branch + " out of range for " + s);
        }
        return read(types.get(branch), in);
      }
      case ARRAY: {
        Schema items = s.getElementType();
        long n = in.readArrayStart();
        List<Object> out = new ArrayList<>((int) Math.min(n, 1024));
        while (n > 0) {
          for (long i = 0; i < n; i++) {
            out.add(read(items, in));
          }
          n = in.arrayNext();
        }
        return out;
      }
      case MAP: {
        Schema values = s.getValueType();
        long n = in.readMapStart();
        Map<String, Object> out = new HashMap<>();
        while (n > 0) {
          for (long i = 0; i < n; i++) {
            String k = in.readString();
            out.put(k, read(values, in));
          }
          n = in.mapNext();
        }
        return out;
      }
      case STRING:
        return in.readString();
      case BYTES:
        return in.readBytes(null);
      case FIXED: {
        byte[] b = new byte[s.getFixedSize()];
        in.readFixed(b);
        return b;
      }
      case ENUM:
        return s.getEnumSymbols().get(in.readEnum());
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case FLOAT:
        return in.readFloat();
      case DOUBLE:
        return in.readDouble();
      case BOOLEAN:
        return in.readBoolean();
      case NULL:
        in.readNull();
        return null;
      default:
        throw new IOException("unsupported Avro type " + s.getType());
    }
  }
}
