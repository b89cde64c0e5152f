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
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows ({@link Record}s or {@code Object[]} in schema order) straight to parquet-java's
 * {@link RecordConsumer}, with no intermediate object model.
 *
 * <p>While writing it counts nulls per column and, for float and double columns, NaNs and the smallest and
 * largest non-NaN value (parquet-java's own float statistics cannot be used for Iceberg bounds because of NaN).
 * Every other bound comes from the footer statistics parquet-java collects anyway (see {@link FileMetrics}).
 */
final class RowWriteSupport extends WriteSupport<Object> {
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

  private RecordConsumer consumer;

  RowWriteSupport(Schema schema) {
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

  @Override
  @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
  public WriteContext init(Configuration configuration) {
    return new WriteContext(messageType, Map.of());
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(messageType, Map.of());
  }

  @Override
  public String getName() {
    return "datashard";
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Object row) {
    RecordConsumer rc = consumer;
    rc.startMessage();
    if (row instanceof Object[]) {
      Object[] values = (Object[]) row;
      if (values.length != width) {
        throw new IllegalArgumentException("expected " + width + " values, got " + values.length);
      }
      for (int i = 0; i < width; i++) {
        writeField(rc, i, values[i]);
      }
    } else {
      Record record = (Record) row;
      if (record.schema() != schema && !record.schema().sameFieldsAs(schema)) {
        throw new IllegalArgumentException("record schema " + record.schema() + " differs from writer schema "
            + schema);
      }
      for (int i = 0; i < width; i++) {
        writeField(rc, i, record.get(i));
      }
    }
    rc.endMessage();
  }

  private void writeField(RecordConsumer rc, int i, Object v) {
    if (v == null) {
      if (required[i]) {
        throw new IllegalArgumentException("null value for required column '" + names[i] + "'");
      }
      nullCounts[i]++;
      return;
    }
    rc.startField(names[i], i);
    switch (kinds[i]) {
      case BOOLEAN:
        rc.addBoolean((Boolean) v);
        break;
      case INT:
        rc.addInteger(((Number) v).intValue());
        break;
      case LONG:
        rc.addLong(((Number) v).longValue());
        break;
      case FLOAT: {
        float f = (Float) v;
        trackFloating(i, f);
        rc.addFloat(f);
        break;
      }
      case DOUBLE: {
        double d = ((Number) v).doubleValue();
        trackFloating(i, d);
        rc.addDouble(d);
        break;
      }
      case DATE:
        rc.addInteger(DateTimeUtil.daysFromDate((LocalDate) v));
        break;
      case TIME:
        rc.addLong(DateTimeUtil.microsFromTime((LocalTime) v));
        break;
      case TIMESTAMP:
        rc.addLong(DateTimeUtil.microsFromTimestamp((LocalDateTime) v));
        break;
      case TIMESTAMP_TZ:
        rc.addLong(timestamptzMicros(v));
        break;
      case STRING:
        rc.addBinary(Binary.fromString(v.toString()));
        break;
      case UUID:
        rc.addBinary(Binary.fromConstantByteArray(uuidBytes((UUID) v)));
        break;
      case FIXED:
      case BINARY:
        rc.addBinary(v instanceof byte[]
            ? Binary.fromReusedByteArray((byte[]) v)
            : Binary.fromReusedByteBuffer(((ByteBuffer) v).duplicate()));
        break;
      case DECIMAL:
        writeDecimal(rc, i, (BigDecimal) v);
        break;
      default:
        throw new IllegalStateException("unsupported type " + kinds[i]);
    }
    rc.endField(names[i], i);
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

  private void writeDecimal(RecordConsumer rc, int i, BigDecimal value) {
    BigDecimal d = value.scale() == scales[i] ? value : value.setScale(scales[i]);
    int len = fixedLengths[i];
    if (len == 0) {
      // INT32 or INT64 storage; the type decides which by its precision.
      if (int32Decimal[i]) {
        rc.addInteger(d.unscaledValue().intValueExact());
      } else {
        rc.addLong(d.unscaledValue().longValueExact());
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
    rc.addBinary(Binary.fromConstantByteArray(out));
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
