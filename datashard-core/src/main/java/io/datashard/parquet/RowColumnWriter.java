package io.datashard.parquet;

import io.datashard.Field;
import io.datashard.Record;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows ({@link Record}s or {@code Object[]} in schema order) straight into parquet-java's column
 * writers, with no intermediate object model and no record-assembly layer: DataShard schemas are flat, so
 * every column has repetition level 0 and definition level 0 (null) or its maximum (a value), and a row is
 * one value (or null) per column.
 *
 * <p>While writing it counts nulls per column and, for float and double columns, NaNs and the smallest and
 * largest non-NaN value (parquet-java's own float statistics cannot be used for Iceberg bounds because of NaN).
 * Every other bound comes from the footer statistics parquet-java collects anyway (see {@link FileMetrics}).
 */
final class RowColumnWriter {
  private final Schema schema;
  private final MessageType messageType;
  private final int width;
  private final String[] names;
  private final Type.Id[] kinds;
  private final boolean[] required;
  private final int[] scales;
  private final int[] fixedLengths;
  private final boolean[] int32Decimal;

  private final long[] nullCounts;
  private final long[] nanCounts;
  private final double[] mins;
  private final double[] maxs;
  private final boolean[] seenNonNaN;

  private final ColumnDescriptor[] descriptors;
  private final int[] maxDefinitionLevels;
  private ColumnWriteStore store;
  private ColumnWriter[] columns;

  RowColumnWriter(Schema schema) {
    this.schema = schema;
    this.messageType = ParquetSchemas.toMessageType(schema);
    this.width = schema.size();
    this.names = new String[width];
    this.kinds = new Type.Id[width];
    this.required = new boolean[width];
    this.scales = new int[width];
    this.fixedLengths = new int[width];
    this.int32Decimal = new boolean[width];
    for (int i = 0; i < width; i++) {
      Field f = schema.field(i);
      names[i] = f.name();
      kinds[i] = f.type().id();
      required[i] = f.isRequired();
      scales[i] = f.type().scale();
      fixedLengths[i] = f.type().id() == Type.Id.DECIMAL && f.type().precision() > 18
          ? ParquetSchemas.decimalBytes(f.type().precision()) : f.type().length();
      int32Decimal[i] = f.type().id() == Type.Id.DECIMAL && f.type().precision() <= 9;
    }
    this.nullCounts = new long[width];
    this.nanCounts = new long[width];
    this.mins = new double[width];
    this.maxs = new double[width];
    this.seenNonNaN = new boolean[width];
    this.descriptors = messageType.getColumns().toArray(new ColumnDescriptor[0]);
    if (descriptors.length != width) {
      throw new IllegalStateException("schema " + schema + " does not map to one Parquet column per field");
    }
    this.maxDefinitionLevels = new int[width];
    for (int i = 0; i < width; i++) {
      maxDefinitionLevels[i] = descriptors[i].getMaxDefinitionLevel();
    }
  }

  /** Directs the following rows to a row group's column writers. @param store the row group's store */
  void bind(ColumnWriteStore store) {
    this.store = store;
    this.columns = new ColumnWriter[width];
    for (int i = 0; i < width; i++) {
      columns[i] = store.getColumnWriter(descriptors[i]);
    }
  }

  MessageType messageType() {
    return messageType;
  }

  long[] nullCounts() {
    return nullCounts;
  }

  long[] nanCounts() {
    return nanCounts;
  }

  /** @return whether a float/double column saw a value that is not NaN (then min/max are set) */
  boolean hasFloatingBounds(int column) {
    return seenNonNaN[column];
  }

  double floatingMin(int column) {
    return mins[column];
  }

  double floatingMax(int column) {
    return maxs[column];
  }

  /**
   * Writes one row and ends it in the bound store.
   *
   * @param row a {@link Record} of this schema or one value per field in schema order
   */
  void write(Object row) {
    ColumnWriter[] cw = columns;
    if (row instanceof Object[]) {
      Object[] values = (Object[]) row;
      if (values.length != width) {
        throw new IllegalArgumentException("expected " + width + " values, got " + values.length);
      }
      for (int i = 0; i < width; i++) {
        writeField(cw[i], i, values[i]);
      }
    } else {
      Record record = (Record) row;
      if (record.schema() != schema && !record.schema().sameFieldsAs(schema)) {
        throw new IllegalArgumentException("record schema " + record.schema() + " differs from writer schema "
            + schema);
      }
      for (int i = 0; i < width; i++) {
        writeField(cw[i], i, record.get(i));
      }
    }
    store.endRecord();
  }

  private void writeField(ColumnWriter c, int i, Object v) {
    if (v == null) {
      if (required[i]) {
        throw new IllegalArgumentException("null value for required column '" + names[i] + "'");
      }
      nullCounts[i]++;
      c.writeNull(0, 0);
      return;
    }
    int def = maxDefinitionLevels[i];
    switch (kinds[i]) {
      case BOOLEAN:
        c.write((Boolean) v, 0, def);
        break;
      case INT:
        c.write(((Number) v).intValue(), 0, def);
        break;
      case LONG:
        c.write(((Number) v).longValue(), 0, def);
        break;
      case FLOAT: {
        float f = (Float) v;
        trackFloating(i, f);
        c.write(f, 0, def);
        break;
      }
      case DOUBLE: {
        double d = ((Number) v).doubleValue();
        trackFloating(i, d);
        c.write(d, 0, def);
        break;
      }
      case DATE:
        c.write(DateTimeUtil.daysFromDate((LocalDate) v), 0, def);
        break;
      case TIME:
        c.write(DateTimeUtil.microsFromTime((LocalTime) v), 0, def);
        break;
      case TIMESTAMP:
        c.write(DateTimeUtil.microsFromTimestamp((LocalDateTime) v), 0, def);
        break;
      case TIMESTAMP_TZ:
        c.write(timestamptzMicros(v), 0, def);
        break;
      case STRING:
        c.write(Binary.fromString(v.toString()), 0, def);
        break;
      case UUID:
        c.write(Binary.fromConstantByteArray(uuidBytes((UUID) v)), 0, def);
        break;
      case FIXED:
      case BINARY:
        c.write(v instanceof byte[]
            ? Binary.fromReusedByteArray((byte[]) v)
            : Binary.fromReusedByteBuffer(((ByteBuffer) v).duplicate()), 0, def);
        break;
      case DECIMAL:
        writeDecimal(c, i, (BigDecimal) v, def);
        break;
      default:
        throw new IllegalStateException("unsupported type " + kinds[i]);
    }
  }

  private void trackFloating(int i, double d) {
    if (d != d) {
      nanCounts[i]++;
    } else if (!seenNonNaN[i]) {
      seenNonNaN[i] = true;
      mins[i] = d;
      maxs[i] = d;
    } else {
      // Double.compare orders -0.0 below 0.0, as Iceberg's comparators do.
      if (Double.compare(d, mins[i]) < 0) {
        mins[i] = d;
      }
      if (Double.compare(d, maxs[i]) > 0) {
        maxs[i] = d;
      }
    }
  }

  private void writeDecimal(ColumnWriter c, int i, BigDecimal value, int def) {
    BigDecimal d = value.scale() == scales[i] ? value : value.setScale(scales[i]);
    int len = fixedLengths[i];
    if (len == 0) {
      // INT32 or INT64 storage; the type decides which by its precision.
      if (int32Decimal[i]) {
        c.write(d.unscaledValue().intValueExact(), 0, def);
      } else {
        c.write(d.unscaledValue().longValueExact(), 0, def);
      }
      return;
    }
    byte[] unscaled = d.unscaledValue().toByteArray();
    if (unscaled.length > len) {
      throw new IllegalArgumentException("decimal value " + value + " does not fit column '" + names[i] + "'");
    }
    byte[] out = new byte[len];
    byte pad = (byte) (unscaled[0] < 0 ? -1 : 0);
    int offset = len - unscaled.length;
    for (int k = 0; k < offset; k++) {
      out[k] = pad;
    }
    System.arraycopy(unscaled, 0, out, offset, unscaled.length);
    c.write(Binary.fromConstantByteArray(out), 0, def);
  }

  private static long timestamptzMicros(Object v) {
    if (v instanceof OffsetDateTime) {
      return DateTimeUtil.microsFromTimestamptz((OffsetDateTime) v);
    } else if (v instanceof Instant) {
      Instant t = (Instant) v;
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } else {
      return DateTimeUtil.microsFromTimestamptz(((ZonedDateTime) v).toOffsetDateTime());
    }
  }

  static byte[] uuidBytes(UUID u) {
    byte[] b = new byte[16];
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    for (int k = 0; k < 8; k++) {
      b[k] = (byte) (msb >>> (56 - 8 * k));
      b[8 + k] = (byte) (lsb >>> (56 - 8 * k));
    }
    return b;
  }
}
