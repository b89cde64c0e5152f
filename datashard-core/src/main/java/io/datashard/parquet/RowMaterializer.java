package io.datashard.parquet;

import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Assembles rows as {@code Object[]} in projection order from parquet-java's column readers or record assembly,
 * with no intermediate object model. Positions of the projection that the file lacks stay null.
 *
 * <p>Every converter stores its value into a {@link Slots} array at a fixed position: the row's own array for a
 * top-level column, a struct's array for a struct field, a one-slot array for a list element (appended to the
 * list when the repeated group ends) and a two-slot array for a map entry.
 */
final class RowMaterializer extends RecordMaterializer<Object[]> {
  private final int width;
  private final Converter[] converters;
  private final Slots rowSlots = new Slots();

  /** The array that converters of one group store into; replaced when the group starts again. */
  static final class Slots {
    Object[] values;
  }

  private final GroupConverter root = new GroupConverter() {
    @Override
    public Converter getConverter(int fieldIndex) {
      return converters[fieldIndex];
    }

    @Override
    public void start() {
      rowSlots.values = new Object[width];
    }

    @Override
    public void end() {
    }
  };

  /**
   * @param location the file, for error messages
   * @param requested the file columns to read, in file order (groups already pruned to the projection)
   * @param targets for each requested column, its position in the projection
   * @param projected for each requested column, the projected field it is read as
   * @param width number of projected fields
   */
  RowMaterializer(String location, MessageType requested, int[] targets, Field[] projected, int width) {
    this.width = width;
    this.converters = new Converter[targets.length];
    for (int i = 0; i < targets.length; i++) {
      converters[i] = converterFor(location, requested.getType(i), projected[i], rowSlots, targets[i]);
    }
  }

  @Override
  public Object[] getCurrentRecord() {
    return rowSlots.values;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private Converter converterFor(String location, org.apache.parquet.schema.Type fileType, Field field, Slots s,
      int pos) {
    if (fileType.isPrimitive()) {
      return converterFor(location, fileType.asPrimitiveType(), field, s, pos);
    }
    GroupType group = fileType.asGroupType();
    Type type = field.type();
    switch (type.id()) {
      case STRUCT:
        return new StructConverter(location, group, type.asStruct(), s, pos);
      case LIST:
        return new ListConverter(location, group, type.asList(), s, pos);
      case MAP:
        return new MapConverter(location, group, type.asMap(), s, pos);
      default:
        throw new CorruptMetadataException(location, "column '" + fileType.getName() + "' (field id " + field.id()
            + ") is a group in the file, which cannot be read as " + type);
    }
  }

  /** A struct: its fields store into its own slots; the struct becomes a {@link Row} when it ends. */
  private final class StructConverter extends GroupConverter {
    private final Converter[] children;
    private final Slots own = new Slots();
    private final Slots parent;
    private final int pos;
    private final Schema rowSchema;

    StructConverter(String location, GroupType group, StructType struct, Slots parent, int pos) {
      this.parent = parent;
      this.pos = pos;
      this.rowSchema = struct.asSchema();
      this.children = new Converter[group.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        org.apache.parquet.schema.Type child = group.getType(i);
        int target = ParquetProjection.positionIn(struct, child);
        children[i] = target < 0
            ? ParquetProjection.discarding(child)
            : converterFor(location, child, struct.fields().get(target), own, target);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      own.values = new Object[rowSchema.size()];
    }

    @Override
    public void end() {
      parent.values[pos] = Row.wrap(rowSchema, own.values);
    }
  }

  /** A three-level list: the repeated group's start and end bracket one element. */
  private final class ListConverter extends GroupConverter {
    private final Slots parent;
    private final int pos;
    private final Slots element = new Slots();
    private final GroupConverter repeated;
    private List<Object> list;

    ListConverter(String location, GroupType group, ListType type, Slots parent, int pos) {
      this.parent = parent;
      this.pos = pos;
      GroupType rep = ParquetProjection.repeatedGroup(location, group, 1);
      Converter elementConverter = converterFor(location, rep.getType(0), type.elementField(), element, 0);
      this.repeated = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return elementConverter;
        }

        @Override
        public void start() {
          element.values = new Object[1];
        }

        @Override
        public void end() {
          list.add(element.values[0]);
        }
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      list = new ArrayList<>();
    }

    @Override
    public void end() {
      parent.values[pos] = list;
    }
  }

  /** A map: the repeated {@code key_value} group's start and end bracket one entry. */
  private final class MapConverter extends GroupConverter {
    private final Slots parent;
    private final int pos;
    private final Slots entry = new Slots();
    private final GroupConverter repeated;
    private Map<Object, Object> map;

    MapConverter(String location, GroupType group, MapType type, Slots parent, int pos) {
      this.parent = parent;
      this.pos = pos;
      GroupType rep = ParquetProjection.repeatedGroup(location, group, 2);
      Converter key = converterFor(location, rep.getType(0), type.keyField(), entry, 0);
      Converter value = converterFor(location, rep.getType(1), type.valueField(), entry, 1);
      this.repeated = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return fieldIndex == 0 ? key : value;
        }

        @Override
        public void start() {
          entry.values = new Object[2];
        }

        @Override
        public void end() {
          map.put(entry.values[0], entry.values[1]);
        }
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      map = new LinkedHashMap<>();
    }

    @Override
    public void end() {
      parent.values[pos] = map;
    }
  }

  private PrimitiveConverter converterFor(String location, PrimitiveType fileType, Field field, Slots s, int pos) {
    PrimitiveTypeName physical = fileType.getPrimitiveTypeName();
    Type type = field.type();
    switch (type.id()) {
      case BOOLEAN:
        if (physical == PrimitiveTypeName.BOOLEAN) {
          return new Value(s, pos) {
            @Override
            public void addBoolean(boolean v) {
              s.values[pos] = v;
            }
          };
        }
        break;
      case INT:
        if (physical == PrimitiveTypeName.INT32) {
          return new Value(s, pos) {
            @Override
            public void addInt(int v) {
              s.values[pos] = v;
            }
          };
        }
        break;
      case LONG:
        if (physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.INT32) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = v;
            }

            @Override
            public void addInt(int v) {
              s.values[pos] = (long) v; // int promoted to long
            }
          };
        }
        break;
      case FLOAT:
        if (physical == PrimitiveTypeName.FLOAT) {
          return new Value(s, pos) {
            @Override
            public void addFloat(float v) {
              s.values[pos] = v;
            }
          };
        }
        break;
      case DOUBLE:
        if (physical == PrimitiveTypeName.DOUBLE || physical == PrimitiveTypeName.FLOAT) {
          return new Value(s, pos) {
            @Override
            public void addDouble(double v) {
              s.values[pos] = v;
            }

            @Override
            public void addFloat(float v) {
              s.values[pos] = (double) v; // float promoted to double
            }
          };
        }
        break;
      case DATE:
        if (physical == PrimitiveTypeName.INT32) {
          return new Value(s, pos) {
            @Override
            public void addInt(int v) {
              s.values[pos] = DateTimeUtil.dateFromDays(v);
            }
          };
        }
        break;
      case TIME:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = DateTimeUtil.timeFromMicros(v);
            }
          };
        }
        break;
      case TIMESTAMP:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = DateTimeUtil.timestampFromMicros(v);
            }
          };
        }
        break;
      case TIMESTAMP_TZ:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = DateTimeUtil.timestamptzFromMicros(v);
            }
          };
        }
        break;
      case TIMESTAMP_NS:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = DateTimeUtil.timestampFromNanos(v);
            }
          };
        }
        break;
      case TIMESTAMP_NS_TZ:
        if (physical == PrimitiveTypeName.INT64) {
          return new Value(s, pos) {
            @Override
            public void addLong(long v) {
              s.values[pos] = DateTimeUtil.timestamptzFromNanos(v);
            }
          };
        }
        break;
      case STRING:
        if (physical == PrimitiveTypeName.BINARY) {
          return new StringValue(s, pos);
        }
        break;
      case UUID:
        if (physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && fileType.getTypeLength() == 16) {
          return new Value(s, pos) {
            @Override
            public void addBinary(Binary v) {
              ByteBuffer b = v.toByteBuffer();
              s.values[pos] = new UUID(b.getLong(b.position()), b.getLong(b.position() + 8));
            }
          };
        }
        break;
      case FIXED:
      case BINARY:
        if (physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
          return new Value(s, pos) {
            @Override
            public void addBinary(Binary v) {
              s.values[pos] = ByteBuffer.wrap(v.getBytes()).asReadOnlyBuffer();
            }
          };
        }
        break;
      case DECIMAL: {
        int scale = type.scale();
        if (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64
            || physical == PrimitiveTypeName.BINARY || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
          return new Value(s, pos) {
            @Override
            public void addInt(int v) {
              s.values[pos] = BigDecimal.valueOf(v, scale);
            }

            @Override
            public void addLong(long v) {
              s.values[pos] = BigDecimal.valueOf(v, scale);
            }

            @Override
            public void addBinary(Binary v) {
              s.values[pos] = new BigDecimal(new BigInteger(v.getBytes()), scale);
            }
          };
        }
        break;
      }
      case STRUCT, LIST, MAP:
      default:
        break;
    }
    throw new CorruptMetadataException(location, "column '" + fileType.getName() + "' (field id " + field.id()
        + ") is stored as " + fileType + ", which cannot be read as " + type);
  }

  /** Base of the per-column converters; stores into the current row. */
  private abstract static class Value extends PrimitiveConverter {
    final Slots s;
    final int pos;

    Value(Slots s, int pos) {
      this.s = s;
      this.pos = pos;
    }
  }

  /** Strings, decoding each dictionary entry once per dictionary rather than once per value. */
  private final class StringValue extends Value {
    private String[] dictionary;

    StringValue(Slots s, int pos) {
      super(s, pos);
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
      s.values[pos] = dictionary[id];
    }

    @Override
    public void addBinary(Binary v) {
      s.values[pos] = v.toStringUsingUTF8();
    }
  }
}
