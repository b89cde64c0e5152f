package io.datashard.parquet;

import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.Schema;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.TypeVisitor;
import java.math.BigInteger;
import java.util.List;
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
 *   <tr><td>timestamp_ns / timestamptz_ns</td><td>INT64 TIMESTAMP(NANOS, false / true)</td></tr>
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
    return (MessageType) TypeVisitor.visit(schema, TO_PARQUET);
  }

  /**
   * @param field a DataShard column or nested field
   * @return the Parquet type (a primitive column or a group), named as the field and carrying its id
   */
  public static org.apache.parquet.schema.Type toParquetType(Field field) {
    return TypeVisitor.visit(field, TO_PARQUET);
  }

  /** Iceberg's Parquet layout: structs as groups, three-level lists, {@code key_value} maps, ids everywhere. */
  private static final TypeVisitor<org.apache.parquet.schema.Type> TO_PARQUET =
      new TypeVisitor<org.apache.parquet.schema.Type>() {
        @Override
        public org.apache.parquet.schema.Type schema(Schema schema, List<org.apache.parquet.schema.Type> columns) {
          return new MessageType(MESSAGE_NAME, columns);
        }

        @Override
        public org.apache.parquet.schema.Type struct(Field field, StructType struct,
            List<org.apache.parquet.schema.Type> fields) {
          return org.apache.parquet.schema.Types.buildGroup(repetition(field)).addFields(
              fields.toArray(new org.apache.parquet.schema.Type[0])).id(field.id()).named(field.name());
        }

        @Override
        public org.apache.parquet.schema.Type list(Field field, ListType list,
            org.apache.parquet.schema.Type element) {
          return org.apache.parquet.schema.Types.buildGroup(repetition(field)).as(LogicalTypeAnnotation.listType())
              .addField(org.apache.parquet.schema.Types.repeatedGroup().addField(element).named("list"))
              .id(field.id()).named(field.name());
        }

        @Override
        public org.apache.parquet.schema.Type map(Field field, MapType map, org.apache.parquet.schema.Type key,
            org.apache.parquet.schema.Type value) {
          return org.apache.parquet.schema.Types.buildGroup(repetition(field)).as(LogicalTypeAnnotation.mapType())
              .addField(org.apache.parquet.schema.Types.repeatedGroup().addField(key).addField(value)
                  .named("key_value"))
              .id(field.id()).named(field.name());
        }

        @Override
        public org.apache.parquet.schema.Type primitive(Field field) {
          return toPrimitiveType(field);
        }
      };

  private static org.apache.parquet.schema.Type.Repetition repetition(Field field) {
    return field.isRequired()
        ? org.apache.parquet.schema.Type.Repetition.REQUIRED
        : org.apache.parquet.schema.Type.Repetition.OPTIONAL;
  }

  /**
   * @param field a DataShard column of a primitive type
   * @return the Parquet column, named as the field and carrying its id
   */
  public static PrimitiveType toPrimitiveType(Field field) {
    org.apache.parquet.schema.Type.Repetition repetition = repetition(field);
    Type type = field.type();
    org.apache.parquet.schema.Types.PrimitiveBuilder<PrimitiveType> b = switch (type.id()) {
      case BOOLEAN -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BOOLEAN, repetition);
      case INT -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition);
      case LONG -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition);
      case FLOAT -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FLOAT, repetition);
      case DOUBLE -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.DOUBLE, repetition);
      case DATE -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition)
          .as(LogicalTypeAnnotation.dateType());
      case TIME -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
      case TIMESTAMP -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
      case TIMESTAMP_TZ -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
      case TIMESTAMP_NS -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.NANOS));
      case TIMESTAMP_NS_TZ -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.NANOS));
      case STRING -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BINARY, repetition)
          .as(LogicalTypeAnnotation.stringType());
      case UUID -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
          .length(16).as(LogicalTypeAnnotation.uuidType());
      case FIXED -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
          .length(type.length());
      case BINARY -> org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.BINARY, repetition);
      case DECIMAL -> {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(type.scale(), type.precision());
        if (type.precision() <= 9) {
          yield org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT32, repetition).as(decimal);
        } else if (type.precision() <= 18) {
          yield org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.INT64, repetition).as(decimal);
        }
        yield org.apache.parquet.schema.Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
            .length(decimalBytes(type.precision())).as(decimal);
      }
      case STRUCT, LIST, MAP -> throw new IllegalArgumentException("not a primitive type: " + type);
    };
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
