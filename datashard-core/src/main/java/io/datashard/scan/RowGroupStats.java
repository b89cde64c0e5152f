package io.datashard.scan;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.expressions.ContentStats;
import io.datashard.parquet.ParquetStatistics;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Statistics of one Parquet row group, from the footer, in the form the metrics evaluator uses.
 *
 * <p>Bounds are used only when parquet-java computed them in the order expressions use: signed for integers,
 * dates, times, timestamps and decimals, unsigned bytes for strings, binary, fixed and UUID (files written by
 * old parquet-java with signed binary order are not trusted). Float and double bounds are never used (Parquet
 * statistics may or may not account for NaN depending on the writer); their null counts still are.
 */
final class RowGroupStats implements ContentStats {
  private final BlockMetaData block;
  private final Map<Integer, ColumnChunkMetaData> chunks;
  private final Schema schema;

  private RowGroupStats(BlockMetaData block, Map<Integer, ColumnChunkMetaData> chunks, Schema schema) {
    this.block = block;
    this.chunks = chunks;
    this.schema = schema;
  }

  /**
   * Maps a file's leaf column paths (dotted) to table field ids, by Parquet field id, else by name: top-level
   * columns and fields of structs; leaves inside lists and maps are left out (their statistics cover elements, not
   * rows).
   */
  static Map<String, Integer> fieldIdsByColumn(MessageType fileSchema, Schema tableSchema) {
    boolean hasIds = false;
    for (org.apache.parquet.schema.Type t : fileSchema.getFields()) {
      hasIds |= t.getId() != null;
    }
    Map<String, Integer> ids = new HashMap<>();
    collect(fileSchema, "", hasIds, tableSchema, ids);
    return ids;
  }

  private static void collect(org.apache.parquet.schema.GroupType group, String prefix, boolean hasIds,
      Schema tableSchema, Map<String, Integer> ids) {
    for (org.apache.parquet.schema.Type t : group.getFields()) {
      String path = prefix + t.getName();
      if (!t.isPrimitive()) {
        if (t.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)
            || t.getLogicalTypeAnnotation() != null) {
          continue; // a list or a map
        }
        collect(t.asGroupType(), path + ".", hasIds, tableSchema, ids);
      } else if (t.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
        continue;
      } else if (hasIds) {
        if (t.getId() != null) {
          ids.put(path, t.getId().intValue());
        }
      } else {
        Field f = tableSchema.findField(path);
        if (f != null) {
          ids.put(path, f.id());
        }
      }
    }
  }

  static RowGroupStats of(BlockMetaData block, Map<String, Integer> idsByColumn, Schema schema) {
    Map<Integer, ColumnChunkMetaData> chunks = new HashMap<>();
    for (ColumnChunkMetaData c : block.getColumns()) {
      Integer id = idsByColumn.get(c.getPath().toDotString());
      if (id != null) {
        chunks.put(id, c);
      }
    }
    return new RowGroupStats(block, chunks, schema);
  }

  @Override
  public long rowCount() {
    return block.getRowCount();
  }

  @Override
  public long valueCount(int fieldId) {
    ColumnChunkMetaData c = chunks.get(fieldId);
    return c == null ? -1 : c.getValueCount();
  }

  @Override
  public long nullCount(int fieldId) {
    Statistics<?> s = stats(fieldId);
    return s == null || !s.isNumNullsSet() ? -1 : s.getNumNulls();
  }

  @Override
  public long nanCount(int fieldId) {
    return -1;
  }

  @Override
  public Object lowerBound(int fieldId) {
    Statistics<?> s = boundedStats(fieldId);
    return s == null ? null : ParquetStatistics.toJava(schema.findField(fieldId).type(), s.genericGetMin());
  }

  @Override
  public Object upperBound(int fieldId) {
    Statistics<?> s = boundedStats(fieldId);
    return s == null ? null : ParquetStatistics.toJava(schema.findField(fieldId).type(), s.genericGetMax());
  }

  private Statistics<?> stats(int fieldId) {
    ColumnChunkMetaData c = chunks.get(fieldId);
    if (c == null) {
      return null;
    }
    Statistics<?> s = c.getStatistics();
    return s == null || s.isEmpty() ? null : s;
  }

  private Statistics<?> boundedStats(int fieldId) {
    Statistics<?> s = stats(fieldId);
    Field f = schema.findField(fieldId);
    if (s == null || f == null || !s.hasNonNullValue()) {
      return null;
    }
    return orderMatches(f.type(), chunks.get(fieldId).getPrimitiveType(), s) ? s : null;
  }

  /** @return whether parquet-java ordered these statistics as {@link io.datashard.expressions.Comparators} does */
  private static boolean orderMatches(Type type, PrimitiveType physical, Statistics<?> s) {
    LogicalTypeAnnotation logical = physical.getLogicalTypeAnnotation();
    switch (physical.getPrimitiveTypeName()) {
      case BOOLEAN:
        return type.id() == Type.Id.BOOLEAN;
      case INT32:
      case INT64:
        // signed order, unless annotated as an unsigned integer (not a type DataShard reads)
        return type.id() != Type.Id.FLOAT && type.id() != Type.Id.DOUBLE
            && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                && !((LogicalTypeAnnotation.IntLogicalTypeAnnotation) logical).isSigned());
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        if (type.id() == Type.Id.DECIMAL) {
          return logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation
              && s.comparator() == physical.comparator();
        }
        return s.comparator() == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
      default:
        return false; // float, double, int96: bounds not used
    }
  }
}
