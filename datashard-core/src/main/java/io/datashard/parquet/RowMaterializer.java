package io.datashard.parquet;

import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Assembles rows as {@code Object[]} in projection order straight from parquet-java's column readers, with no
 * intermediate object model. Positions of the projection that the file lacks stay null.
 */
final class RowMaterializer extends RecordMaterializer<Object[]> {
  private final int width;
  private final Converter[] converters;
  private Object[] row;

  private final GroupConverter root = new GroupConverter() {
    @Override
    public Converter getConverter(int fieldIndex) {
      return converters[fieldIndex];
    }

    @Override
    public void start() {
      row = new Object[width];
    }

    @Override
    public void end() {
    }
  };

  /**
   * @param location the file, for error messages
   * @param requested the file columns to read, in file order
   * @param targets for each requested column, its position in the projection
   * @param projected for each requested column, the projected field it is read as
   * @param width number of projected fields
   */
  RowMaterializer(String location, MessageType requested, int[] targets, Field[] projected, int width) {
    this.width = width;
    this.converters = new Converter[targets.length];
    for (int i = 0; i < targets.length; i++) {
      converters[i] = converterFor(location, requested.getType(i).asPrimitiveType(), projected[i], targets[i]);
    }
  }

  @Override
  public Object[] getCurrentRecord() {
    return row;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private PrimitiveConverter converterFor(String location, PrimitiveType fileType, Field field, int pos) {
    PrimitiveTypeName physical = fileType.getPrimitiveTypeName();
    Type type = field.type();
    switch (type.id()) {
      case BOOLEAN:
        if (physical == PrimitiveTypeName.BOOLEAN) {
          return new Value(pos) {
            @Override
            public void addBoolean(boolean v) {
              row[pos] = v;
            }
          };
        }
        break;
      case INT:
        if (physical == PrimitiveTypeName.INT32) {
          return new Value(pos) {
            @Override
            public void addInt(int v) {
              row[pos] = v;
            }
          };
        }
        break;
      case LONG:
        if (physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.INT32) {
          return new Value(pos) {
            @Override
            public void addLong(long v) {
              row[pos] = v;
            }

            @Override
            public void addInt(int v) {
              row[pos] = (long) v; // int promoted to long
            }
          };
        }
        break;
      case FLOAT:
        if (physical == PrimitiveTypeName.FLOAT) {
          return new Value(pos) {
            @Override
            public void addFloat(float v) {
              row[pos] = v;
            }
          };
        }
        break;
      case DOUBLE:
        if (physical == PrimitiveTypeName.DOUBLE || physical == PrimitiveTypeName.FLOAT) {
          return new Value(pos) {
            @Override
            public void addDouble(double v) {
              row[pos] = v;
            }

            @Override
            public void addFloat(float v) {
              row[pos] = (double) v; // float promoted to double
            }
          };
        }
        break;
      case DATE:
        if (physical == PrimitiveTypeName.INT32) {
          return new Value(pos) {
            @Override
            public void addInt(int v) {
              row[pos] = DateTimeUtil.dateFromDays(v);
            }
          };
        }
        break;
      case TIME:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(pos) {
            @Override
            public void addLong(long v) {
              row[pos] = DateTimeUtil.timeFromMicros(v);
            }
          };
        }
        break;
      case TIMESTAMP:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(pos) {
            @Override
            public void addLong(long v) {
              row[pos] = DateTimeUtil.timestampFromMicros(v);
            }
          };
        }
        break;
      case TIMESTAMP_TZ:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(pos) {
            @Override
            public void addLong(long v) {
              row[pos] = DateTimeUtil.timestamptzFromMicros(v);
            }
          };
        }
        break;
      case STRING:
        if (physical == PrimitiveTypeName.BINARY) {
          return new StringValue(pos);
        }
        break;
      case UUID:
        if (physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && fileType.getTypeLength() == 16) {
          return new Value(pos) {
            @Override
            public void addBinary(Binary v) {
              ByteBuffer b = v.toByteBuffer();
              row[pos] = new UUID(b.getLong(b.position()), b.getLong(b.position() + 8));
            }
          };
        }
        break;
      case FIXED:
      case BINARY:
        if (physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
          return new Value(pos) {
            @Override
            public void addBinary(Binary v) {
              row[pos] = ByteBuffer.wrap(v.getBytes()).asReadOnlyBuffer();
            }
          };
        }
        break;
      case DECIMAL: {
        int scale = type.scale();
        if (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64
            || physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
          return new Value(pos) {
            @Override
            public void addInt(int v) {
              row[pos] = BigDecimal.valueOf(v, scale);
            }

            @Override
            public void addLong(long v) {
              row[pos] = BigDecimal.valueOf(v, scale);
            }

            @Override
            public void addBinary(Binary v) {
              row[pos] = new BigDecimal(new BigInteger(v.getBytes()), scale);
            }
          };
        }
        break;
      }
      default:
        break;
    }
    throw new CorruptMetadataException(location, "column '" + fileType.getName() + "' (field id " + field.id()
        + ") is stored as " + fileType + ", which cannot be read as " + type);
  }

  /** Base of the per-column converters; stores into the current row. */
  private abstract static class Value extends PrimitiveConverter {
    final int pos;

    Value(int pos) {
      this.pos = pos;
    }
  }

  /** Strings, decoding each dictionary entry once per dictionary rather than once per value. */
  private final class StringValue extends Value {
    private String[] dictionary;

    StringValue(int pos) {
      super(pos);
    }

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary d) {
      String[] decoded = new String[d.getMaxId() + 1];
      for (int i = 0; i < decoded.length; i++) {
        decoded[i] = d.decodeToBinary(i).toStringUsingUTF8();
      }
      dictionary = decoded;
    }

    @Override
    public void addValueFromDictionary(int id) {
      row[pos] = dictionary[id];
    }

    @Override
    public void addBinary(Binary v) {
      row[pos] = v.toStringUsingUTF8();
    }
  }
}
