package io.datashard.parquet;

import io.datashard.CorruptMetadataException;
import io.datashard.Field;
import io.datashard.StructType;
import io.datashard.Type;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;

/**
 * Matches a file's nested Parquet groups to the fields a scan projects, by field id (by name in files written
 * without ids), and prunes each group to the matched fields so that only their columns are read.
 *
 * <p>Lists and maps must have the standard three-level layout Iceberg, Spark, DuckDB and parquet-java write
 * ({@code repeated group list { element }}, {@code repeated group key_value { key; value }}); the legacy two-level
 * layouts of old writers are refused with a clear error rather than guessed at.
 */
final class ParquetProjection {
  private ParquetProjection() {
  }

  /**
   * @param location the file, for errors
   * @param fileType a column or nested field of the file
   * @param projected the field it is read as
   * @return the file type pruned to what the projection needs
   */
  static org.apache.parquet.schema.Type prune(String location, org.apache.parquet.schema.Type fileType,
      Field projected) {
    Type type = projected.type();
    if (fileType.isPrimitive() || type.isPrimitive()) {
      if (fileType.isPrimitive() != type.isPrimitive()) {
        throw new CorruptMetadataException(location, "column '" + fileType.getName() + "' (field id "
            + projected.id() + ") is stored as " + fileType + ", which cannot be read as " + type);
      }
      return fileType;
    }
    GroupType group = fileType.asGroupType();
    switch (type.id()) {
      case STRUCT: {
        StructType struct = type.asStruct();
        List<org.apache.parquet.schema.Type> kept = new ArrayList<>();
        for (org.apache.parquet.schema.Type child : group.getFields()) {
          int target = positionIn(struct, child);
          if (target >= 0) {
            kept.add(prune(location, child, struct.fields().get(target)));
          }
        }
        if (kept.isEmpty()) {
          // None of the projected fields is in the file (all added later): read one column of the group anyway,
          // so that a null struct stays null and a present one becomes a row of nulls.
          kept.add(firstLeafOnly(group.getType(0)));
        }
        return group.withNewFields(kept);
      }
      case LIST: {
        requireAnnotation(location, group, LogicalTypeAnnotation.listType(), "list");
        GroupType rep = repeatedGroup(location, group, 1);
        return group.withNewFields(rep.withNewFields(prune(location, rep.getType(0),
            type.asList().elementField())));
      }
      case MAP: {
        requireAnnotation(location, group, LogicalTypeAnnotation.mapType(), "map");
        GroupType rep = repeatedGroup(location, group, 2);
        return group.withNewFields(rep.withNewFields(prune(location, rep.getType(0), type.asMap().keyField()),
            prune(location, rep.getType(1), type.asMap().valueField())));
      }
      default:
        throw new IllegalStateException("unknown nested type " + type);
    }
  }

  private static void requireAnnotation(String location, GroupType group, LogicalTypeAnnotation expected,
      String what) {
    LogicalTypeAnnotation actual = group.getLogicalTypeAnnotation();
    if (actual == null || !actual.getClass().equals(expected.getClass())) {
      throw new CorruptMetadataException(location, "column '" + group.getName() + "' is read as a " + what
          + " but the file stores it as " + group);
    }
  }

  private static org.apache.parquet.schema.Type firstLeafOnly(org.apache.parquet.schema.Type t) {
    if (t.isPrimitive()) {
      return t;
    }
    GroupType g = t.asGroupType();
    return g.withNewFields(firstLeafOnly(g.getType(0)));
  }

  /**
   * @param location the file, for errors
   * @param group a LIST- or MAP-annotated group
   * @param fields how many fields its repeated group must have (1 for a list, 2 for a map)
   * @return the repeated group inside it
   */
  static GroupType repeatedGroup(String location, GroupType group, int fields) {
    if (group.getFieldCount() == 1) {
      org.apache.parquet.schema.Type rep = group.getType(0);
      if (rep.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED) && !rep.isPrimitive()
          && rep.asGroupType().getFieldCount() == fields) {
        return rep.asGroupType();
      }
    }
    throw new CorruptMetadataException(location, "column '" + group.getName() + "' uses a legacy two-level "
        + (fields == 1 ? "list" : "map") + " layout (" + group + "); DataShard reads the standard three-level layout "
        + "that Iceberg, Spark and DuckDB write");
  }

  /**
   * @param struct the projected struct
   * @param child a field of the file's group
   * @return the position in the struct of the field the file field is, or -1
   */
  static int positionIn(StructType struct, org.apache.parquet.schema.Type child) {
    if (child.getId() != null) {
      int id = child.getId().intValue();
      List<Field> fields = struct.fields();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).id() == id) {
          return i;
        }
      }
      return -1;
    }
    return struct.positionOf(child.getName());
  }

  /** @return a converter that reads a file field and keeps nothing */
  static Converter discarding(org.apache.parquet.schema.Type t) {
    if (t.isPrimitive()) {
      return new PrimitiveConverter() {
        @Override
        public void addBinary(Binary value) {
        }

        @Override
        public void addBoolean(boolean value) {
        }

        @Override
        public void addDouble(double value) {
        }

        @Override
        public void addFloat(float value) {
        }

        @Override
        public void addInt(int value) {
        }

        @Override
        public void addLong(long value) {
        }
      };
    }
    GroupType g = t.asGroupType();
    Converter[] children = new Converter[g.getFieldCount()];
    for (int i = 0; i < children.length; i++) {
      children[i] = discarding(g.getType(i));
    }
    return new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return children[fieldIndex];
      }

      @Override
      public void start() {
      }

      @Override
      public void end() {
      }
    };
  }
}
