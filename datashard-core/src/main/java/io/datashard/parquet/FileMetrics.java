package io.datashard.parquet;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;

/**
 * Builds a {@link DataFile}'s column statistics from a written file's footer and the counters
 * {@link RowColumnWriter} kept while writing.
 *
 * <p>Sizes, value counts and bounds of non-floating-point columns come from the footer's column chunk
 * metadata; parquet-java orders binary values unsigned (as Iceberg does) and decimals as signed integers.
 * Null counts come from the write-time counters; NaN counts and float/double bounds too, since those bounds
 * must ignore NaN. String and binary bounds are truncated to 16 characters/bytes as Iceberg's default metrics
 * mode does.
 */
final class FileMetrics {
  private FileMetrics() {
  }

  static DataFile toDataFile(String location, Schema schema, ParquetMetadata footer, RowColumnWriter counters,
      long recordCount, long fileSize) {
    List<RowColumnWriter.Leaf> leaves = counters.leaves();
    int width = leaves.size();
    Map<String, Integer> positionByColumn = new HashMap<>();
    for (int i = 0; i < width; i++) {
      positionByColumn.put(leaves.get(i).parquetPath, i);
    }
    long[] sizes = new long[width];
    long[] values = new long[width];
    @SuppressWarnings("rawtypes")
    Statistics[] stats = new Statistics[width];
    boolean[] statsUsable = new boolean[width];
    java.util.Arrays.fill(statsUsable, true);
    List<Long> splitOffsets = new ArrayList<>(footer.getBlocks().size());

    for (BlockMetaData block : footer.getBlocks()) {
      splitOffsets.add(block.getStartingPos());
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        Integer pos = positionByColumn.get(chunk.getPath().toDotString());
        if (pos == null) {
          continue;
        }
        int i = pos;
        sizes[i] += chunk.getTotalSize();
        values[i] += chunk.getValueCount();
        Statistics<?> s = chunk.getStatistics();
        if (s == null || s.isEmpty()) {
          statsUsable[i] = false; // a chunk without statistics: no bound is trustworthy
        } else if (s.hasNonNullValue()) {
          if (stats[i] == null) {
            stats[i] = s.copy();
          } else {
            stats[i].mergeStatistics(s);
          }
        }
      }
    }
    splitOffsets.sort(null);

    Map<Integer, Long> columnSizes = new HashMap<>();
    Map<Integer, Long> valueCounts = new HashMap<>();
    Map<Integer, Long> nullCounts = new HashMap<>();
    Map<Integer, Long> nanCounts = new HashMap<>();
    Map<Integer, ByteBuffer> lower = new HashMap<>();
    Map<Integer, ByteBuffer> upper = new HashMap<>();
    long[] nulls = counters.nullCounts();
    long[] nans = counters.nanCounts();

    for (int i = 0; i < width; i++) {
      Field f = leaves.get(i).field;
      int id = f.id();
      Type type = f.type();
      columnSizes.put(id, sizes[i]);
      if (leaves.get(i).repeated) {
        // Inside a list or map: no counts and no bounds, as Iceberg's own metrics keep none for such leaves (a
        // count of elements is not a count of rows, and a bound over all elements cannot prune rows).
        continue;
      }
      valueCounts.put(id, values[i]);
      nullCounts.put(id, nulls[i]);
      if (type.isFloatingPoint()) {
        nanCounts.put(id, nans[i]);
        if (counters.hasFloatingBounds(i)) {
          Object min = type.id() == Type.Id.FLOAT ? (Object) (float) counters.floatingMin(i) : counters.floatingMin(i);
          Object max = type.id() == Type.Id.FLOAT ? (Object) (float) counters.floatingMax(i) : counters.floatingMax(i);
          lower.put(id, Conversions.toByteBuffer(type, min));
          upper.put(id, Conversions.toByteBuffer(type, max));
        }
      } else if (statsUsable[i] && stats[i] != null) {
        putBounds(id, type, stats[i].genericGetMin(), stats[i].genericGetMax(), lower, upper);
      }
    }

    return DataFile.builder()
        .location(location)
        .fileFormat("PARQUET")
        .recordCount(recordCount)
        .fileSizeInBytes(fileSize)
        .columnSizes(columnSizes)
        .valueCounts(valueCounts)
        .nullValueCounts(nullCounts)
        .nanValueCounts(nanCounts)
        .lowerBounds(lower)
        .upperBounds(upper)
        .splitOffsets(splitOffsets)
        .build();
  }

  private static void putBounds(int id, Type type, Object min, Object max, Map<Integer, ByteBuffer> lower,
      Map<Integer, ByteBuffer> upper) {
    switch (type.id()) {
      case STRING: {
        String lo = BoundTruncation.truncateStringMin(((Binary) min).toStringUsingUTF8(),
            BoundTruncation.DEFAULT_LENGTH);
        String hi = BoundTruncation.truncateStringMax(((Binary) max).toStringUsingUTF8(),
            BoundTruncation.DEFAULT_LENGTH);
        lower.put(id, Conversions.toByteBuffer(type, lo));
        if (hi != null) {
          upper.put(id, Conversions.toByteBuffer(type, hi));
        }
        return;
      }
      case BINARY: {
        ByteBuffer lo = BoundTruncation.truncateBinaryMin(((Binary) min).toByteBuffer(),
            BoundTruncation.DEFAULT_LENGTH);
        ByteBuffer hi = BoundTruncation.truncateBinaryMax(((Binary) max).toByteBuffer(),
            BoundTruncation.DEFAULT_LENGTH);
        lower.put(id, Conversions.toByteBuffer(type, lo));
        if (hi != null) {
          upper.put(id, Conversions.toByteBuffer(type, hi));
        }
        return;
      }
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ,
          UUID, FIXED,
          STRUCT, LIST, MAP:
      default:
        lower.put(id, Conversions.toByteBuffer(type, toJava(type, min)));
        upper.put(id, Conversions.toByteBuffer(type, toJava(type, max)));
    }
  }

  /** Converts a value of parquet-java's statistics to the Java representation of the DataShard type. */

  private static Object toJava(Type type, Object v) {
    Object value = ParquetStatistics.toJava(type, v);
    if (value == null) {
      throw new IllegalStateException("no footer bound conversion for " + type);
    }
    return value;
  }
}
