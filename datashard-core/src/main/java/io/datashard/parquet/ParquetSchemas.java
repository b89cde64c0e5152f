package io.datashard.parquet;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Converts DataShard schemas to Parquet schemas the way Apache Iceberg writes them: every column carries its
 * Iceberg field id, its required/optional repetition and the physical and logical types Iceberg uses, so other
 * Iceberg readers (Spark, Trino, PyIceberg) match columns by id.
 *
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>DataShard</th><th>Parquet</th></tr>
 *   <tr><td>boolean</td><td>BOOLEAN</td></tr>
 *   <tr><td>int</td><td>INT32</td></tr>
 *   <tr><td>long</td><td>INT64</td></tr>
 *   <tr><td>float / double</td><td>FLOAT / DOUBLE</td></tr>
 *   <tr><td>date</td><td>INT32 DATE</td></tr>
 *   <tr><td>time</td><td>INT64 TIME(MICROS, adjustedToUTC=false)</td></tr>
 *   <tr><td>timestamp / timestamptz</td><td>INT64 TIMESTAMP(MICROS, false / true)</td></tr>
 *   <tr><td>string</td><td>BINARY STRING</td></tr>
 *   <tr><td>uuid</td><td>FIXED_LEN_BYTE_ARRAY(16) UUID</td></tr>
 *   <tr><td>fixed[L]</td><td>FIXED_LEN_BYTE_ARRAY(L)</td></tr>
 *   <tr><td>binary</td><td>BINARY</td></tr>
 *   <tr><td>decimal(P,S)</td><td>DECIMAL(P,S) on INT32 (P &le; 9), INT64 (P &le; 18), else
 *       FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold P digits</td></tr>
 *   <tr><td>struct</td><td>group of the fields</td></tr>
 *   <tr><td>list</td><td>three-level LIST: {@code group NAME (LIST) { repeated group list { ELEMENT element } }}, the
 *       element carrying the element id</td></tr>
 *   <tr><td>map</td><td>{@code group NAME (MAP) { repeated group key_value { required KEY key; VALUE value } }}, key and
 *       value carrying their ids</td></tr>
 * </table>
 */
public final class ParquetSchemas {
  /** The name of the Parquet message (root group); Iceberg uses {@code table}. */
  public static final String MESSAGE_NAME = "table";

  private ParquetSchemas() {
  }

  /**
   * @param schema a DataShard schema
   * @return the Parquet schema for data files of that schema
   */
  public static MessageType toMessageType(Schema schema) {
    List<org.apache.parquet.schema.Type> columns = new ArrayList<>(schema.size());
    for (Field f : schema.fields()) {
      columns.add(toParquetType(f));
    }
    return new MessageType(MESSAGE_NAME, columns);
  }

  /**
   * @param field a DataShard column or nested field
   * @return the Parquet type (a primitive column or a group), named as the field and carrying its id
   */
  public static org.apache.parquet.schema.Type toParquetType(Field field) {
    if (field.type().isPrimitive()) {
      return toPrimitiveType(field);
    }
    org.apache.parquet.schema.Type.Repetition repetition = field.isRequired()
        ? org.apache.parquet.schema.Type.Repetition.REQUIRED
        : org.apache.parquet.schema.Type.Repetition.OPTIONAL;
    Type type = field.type();
    switch (type.id()) {
      case STRUCT: {
        org.apache.parquet.schema.Types.GroupBuilder<GroupType> g =
            org.apache.parquet.schema.Types.buildGroup(repetition);
        for (Field child : type.asStruct().fields()) {
          g.addField(toParquetType(child));
        }
        return g.id(field.id()).named(field.name());
      }
      case LIST:
        return org.apache.parquet.schema.Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
            .addField(org.apache.parquet.schema.Types.repeatedGroup()
                .addField(toParquetType(type.asList().elementField())).named("list"))
            .id(field.id()).named(field.name());
      case MAP:
        return org.apache.parquet.schema.Types.buildGroup(repetition).as(LogicalTypeAnnotation.mapType())
            .addField(org.apache.parquet.schema.Types.repeatedGroup()
                .addField(toParquetType(type.asMap().keyField()))
                .addField(toParquetType(type.asMap().valueField())).named("key_value"))
            .id(field.id()).named(field.name());
      default:
        throw new IllegalStateException("unknown nested type " + type);
    }
  }

  /**
   * @param field a DataShard column of a primitive type
   * @return the Parquet column, named as the field and carrying its id
   */
  public static PrimitiveType toPrimitiveType(Field field) {
    org.apache.parquet.schema.Type.Repetition repetition = field.isRequired()
        ? org.apache.parquet.schema.Type.Repetition.REQUIRED
        : org.apache.parquet.schema.Type.Repetition.OPTIONAL;
    Type type = field.type();
    org.apache.parquet.schema.Types.PrimitiveBuilder<PrimitiveType> b;
    switch (type.id()) {
      case BOOLEAN:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BOOLEAN, repetition);
        break;
      case INT:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition);
        break;
      case LONG:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition);
        break;
      case FLOAT:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FLOAT, repetition);
        break;
      case DOUBLE:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.DOUBLE, repetition);
        break;
      case DATE:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition)
            .as(LogicalTypeAnnotation.dateType());
        break;
      case TIME:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
            .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        break;
      case TIMESTAMP:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
            .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        break;
      case TIMESTAMP_TZ:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        break;
      case STRING:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BINARY, repetition)
            .as(LogicalTypeAnnotation.stringType());
        break;
      case UUID:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
            .length(16).as(LogicalTypeAnnotation.uuidType());
        break;
      case FIXED:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
            .length(type.length());
        break;
      case BINARY:
        b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BINARY, repetition);
        break;
      case DECIMAL: {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(type.scale(), type.precision());
        if (type.precision() <= 9) {
          b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition).as(decimal);
        } else if (type.precision() <= 18) {
          b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition).as(decimal);
        } else {
          b = org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
              .length(decimalBytes(type.precision())).as(decimal);
        }
        break;
      }
      default:
        throw new IllegalArgumentException("no Parquet mapping for type " + type);
    }
    return b.id(field.id()).named(field.name());
  }

  /**
   * @param precision decimal precision, 1 to 38
   * @return the fewest bytes whose two's-complement range holds every unscaled value of that precision
   */
  public static int decimalBytes(int precision) {
    int bits = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE).bitLength() + 1; // + sign bit
    return (bits + 7) / 8;
  }
}
