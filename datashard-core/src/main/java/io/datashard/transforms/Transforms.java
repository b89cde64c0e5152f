package io.datashard.transforms;

import io.datashard.Type;
import io.datashard.Types;
import io.datashard.types.DateTimeUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Iceberg partition transforms, and parsing of their metadata names. */
public final class Transforms {
  private static final Pattern BUCKET = Pattern.compile("bucket\\[(\\d+)]");
  private static final Pattern TRUNCATE = Pattern.compile("truncate\\[(\\d+)]");
  private static final LocalDate EPOCH = LocalDate.ofEpochDay(0);

  private Transforms() {
  }

  /**
   * @param name a transform name from metadata: identity, year, month, day, hour, bucket[N], truncate[W], void
   * @return the transform
   * @throws IllegalArgumentException for an unknown transform (writers must not write with one)
   */
  public static Transform fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "identity": return IDENTITY;
      case "year": return new TimeTransform(ChronoUnit.YEARS);
      case "month": return new TimeTransform(ChronoUnit.MONTHS);
      case "day": return new TimeTransform(ChronoUnit.DAYS);
      case "hour": return new TimeTransform(ChronoUnit.HOURS);
      case "void": return VOID;
      default:
        Matcher b = BUCKET.matcher(n);
        if (b.matches()) {
          return bucket(Integer.parseInt(b.group(1)));
        }
        Matcher t = TRUNCATE.matcher(n);
        if (t.matches()) {
          return truncate(Integer.parseInt(t.group(1)));
        }
        throw new IllegalArgumentException("unknown partition transform '" + name + "'");
    }
  }

  public static Transform identity() {
    return IDENTITY;
  }

  public static Transform year() {
    return new TimeTransform(ChronoUnit.YEARS);
  }

  public static Transform month() {
    return new TimeTransform(ChronoUnit.MONTHS);
  }

  public static Transform day() {
    return new TimeTransform(ChronoUnit.DAYS);
  }

  public static Transform hour() {
    return new TimeTransform(ChronoUnit.HOURS);
  }

  /** @param n number of buckets, at least 1 */
  public static Transform bucket(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("bucket count must be positive, got " + n);
    }
    return new Bucket(n);
  }

  /** @param width truncation width, at least 1 */
  public static Transform truncate(int width) {
    if (width <= 0) {
      throw new IllegalArgumentException("truncate width must be positive, got " + width);
    }
    return new Truncate(width);
  }

  /** The spec's bucket hash of a value, before the modulo (exposed for tests against the spec's vectors). */
  static int bucketHash(Object value) {
    return Bucket.hash(value);
  }

  public static Transform alwaysNull() {
    return VOID;
  }

  private static final Transform IDENTITY = new AnyTypeTransform() {
    @Override
    public Object apply(Object value) {
      return value;
    }

    @Override
    public String toHumanString(Object v) {
      if (v == null) {
        return "null";
      }
      if (v instanceof ByteBuffer) {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
      }
      if (v instanceof BigDecimal) {
        return ((BigDecimal) v).toPlainString();
      }
      return v.toString();
    }

    @Override
    public boolean preservesOrder() {
      return true;
    }

    @Override
    public Object[] sourceRange(Type sourceType, Object v) {
      return new Object[] {v, v};
    }

    @Override
    public String toString() {
      return "identity";
    }
  };

  private static final Transform VOID = new AnyTypeTransform() {
    @Override
    public Object apply(Object value) {
      return null;
    }

    @Override
    public String toHumanString(Object v) {
      return "null";
    }

    @Override
    public boolean preservesOrder() {
      return false;
    }

    @Override
    public String toString() {
      return "void";
    }
  };

  /** identity and void: defined on every type, and their result has the source's type. */
  private abstract static class AnyTypeTransform implements Transform {
    @Override
    public Type resultType(Type sourceType) {
      return sourceType;
    }

    @Override
    public boolean canTransform(Type sourceType) {
      return true;
    }
  }

  /** year, month, day or hour: units since 1970-01-01 (day produces a date). */
  private static final class TimeTransform implements Transform {
    private final ChronoUnit unit;

    TimeTransform(ChronoUnit unit) {
      this.unit = unit;
    }

    @Override
    public Object apply(Object value) {
      if (value instanceof LocalDate) {
        LocalDate d = (LocalDate) value;
        switch (unit) {
          case YEARS: return d.getYear() - 1970;
          case MONTHS: return (d.getYear() - 1970) * 12 + d.getMonthValue() - 1;
          case DAYS: return d;
          default: throw new IllegalArgumentException("hour cannot be applied to a date");
        }
      }
      LocalDateTime ts;
      if (value instanceof LocalDateTime) {
        ts = (LocalDateTime) value;
      } else if (value instanceof OffsetDateTime) {
        ts = ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      } else {
        throw new IllegalArgumentException(this + " cannot be applied to " + value.getClass().getSimpleName());
      }
      switch (unit) {
        case YEARS: return ts.getYear() - 1970;
        case MONTHS: return (ts.getYear() - 1970) * 12 + ts.getMonthValue() - 1;
        case DAYS: return ts.toLocalDate();
        default: return Math.toIntExact(Math.floorDiv(DateTimeUtil.microsFromTimestamp(ts), 3_600_000_000L));
      }
    }

    @Override
    public Type resultType(Type sourceType) {
      return unit == ChronoUnit.DAYS ? Types.DATE : Types.INT;
    }

    @Override
    public boolean canTransform(Type t) {
      switch (t.id()) {
        case DATE: return unit != ChronoUnit.HOURS;
        case TIMESTAMP: case TIMESTAMP_TZ: case TIMESTAMP_NS: case TIMESTAMP_NS_TZ: return true;
        case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, TIME, STRING, UUID, FIXED, BINARY, STRUCT, LIST,
            MAP:
        default: return false;
      }
    }

    @Override
    public String toHumanString(Object v) {
      if (v == null) {
        return "null";
      }
      switch (unit) {
        case YEARS: return String.format("%04d", 1970 + (Integer) v);
        case MONTHS: {
          LocalDate d = EPOCH.plusMonths((Integer) v);
          return String.format("%04d-%02d", d.getYear(), d.getMonthValue());
        }
        case DAYS: return v.toString();
        default: {
          LocalDateTime t = LocalDateTime.of(EPOCH, LocalTime.MIDNIGHT).plusHours((Integer) v);
          return String.format("%s-%02d", t.toLocalDate(), t.getHour());
        }
      }
    }

    @Override
    public boolean preservesOrder() {
      return true;
    }

    @Override
    public Object[] sourceRange(Type sourceType, Object v) {
      LocalDateTime start;
      LocalDateTime end; // exclusive
      switch (unit) {
        case YEARS:
          start = LocalDateTime.of(1970 + (Integer) v, 1, 1, 0, 0);
          end = start.plusYears(1);
          break;
        case MONTHS:
          start = LocalDateTime.of(EPOCH.plusMonths((Integer) v), LocalTime.MIDNIGHT);
          end = start.plusMonths(1);
          break;
        case DAYS:
          start = LocalDateTime.of((LocalDate) v, LocalTime.MIDNIGHT);
          end = start.plusDays(1);
          break;
        default:
          start = LocalDateTime.of(EPOCH, LocalTime.MIDNIGHT).plusHours((Integer) v);
          end = start.plusHours(1);
          break;
      }
      switch (sourceType.id()) {
        case DATE:
          return new Object[] {start.toLocalDate(), end.toLocalDate().minusDays(1)};
        case TIMESTAMP:
          return new Object[] {start, end.minusNanos(1000)};
        case TIMESTAMP_TZ:
          return new Object[] {start.atOffset(ZoneOffset.UTC), end.minusNanos(1000).atOffset(ZoneOffset.UTC)};
        case TIMESTAMP_NS:
          return new Object[] {start, end.minusNanos(1)};
        case TIMESTAMP_NS_TZ:
          return new Object[] {start.atOffset(ZoneOffset.UTC), end.minusNanos(1).atOffset(ZoneOffset.UTC)};
        case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, TIME, STRING, UUID, FIXED, BINARY, STRUCT, LIST,
            MAP:
        default:
          return null;
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TimeTransform && ((TimeTransform) o).unit == unit;
    }

    @Override
    public int hashCode() {
      return unit.hashCode();
    }

    @Override
    public String toString() {
      switch (unit) {
        case YEARS: return "year";
        case MONTHS: return "month";
        case DAYS: return "day";
        default: return "hour";
      }
    }
  }

  /** bucket[N]: (murmur3_32(value) &amp; Integer.MAX_VALUE) % N. */
  private static final class Bucket implements Transform {
    private final int n;

    Bucket(int n) {
      this.n = n;
    }

    @Override
    public Object apply(Object value) {
      return (hash(value) & Integer.MAX_VALUE) % n;
    }

    static int hash(Object v) {
      if (v instanceof Integer) {
        return Murmur3.hashLong((Integer) v);
      }
      if (v instanceof Long) {
        return Murmur3.hashLong((Long) v);
      }
      if (v instanceof LocalDate) {
        return Murmur3.hashLong(DateTimeUtil.daysFromDate((LocalDate) v));
      }
      if (v instanceof LocalTime) {
        return Murmur3.hashLong(DateTimeUtil.microsFromTime((LocalTime) v));
      }
      if (v instanceof LocalDateTime) {
        return Murmur3.hashLong(DateTimeUtil.microsFromTimestamp((LocalDateTime) v));
      }
      if (v instanceof OffsetDateTime) {
        return Murmur3.hashLong(DateTimeUtil.microsFromTimestamptz((OffsetDateTime) v));
      }
      if (v instanceof String) {
        return Murmur3.hash(((String) v).getBytes(StandardCharsets.UTF_8));
      }
      if (v instanceof UUID) {
        UUID u = (UUID) v;
        return Murmur3.hash(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
            .putLong(u.getLeastSignificantBits()).array());
      }
      if (v instanceof BigDecimal) {
        return Murmur3.hash(((BigDecimal) v).unscaledValue().toByteArray());
      }
      if (v instanceof ByteBuffer) {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Murmur3.hash(bytes);
      }
      throw new IllegalArgumentException("bucket cannot be applied to " + v.getClass().getSimpleName());
    }

    @Override
    public Type resultType(Type sourceType) {
      return Types.INT;
    }

    @Override
    public boolean canTransform(Type t) {
      switch (t.id()) {
        case INT: case LONG: case DECIMAL: case DATE: case TIME: case TIMESTAMP: case TIMESTAMP_TZ:
        case TIMESTAMP_NS: case TIMESTAMP_NS_TZ: case STRING: case UUID: case FIXED: case BINARY:
          return true;
        case BOOLEAN, FLOAT, DOUBLE, STRUCT, LIST, MAP:
        default:
          return false;
      }
    }

    @Override
    public String toHumanString(Object v) {
      return String.valueOf(v);
    }

    @Override
    public boolean preservesOrder() {
      return false;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bucket && ((Bucket) o).n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }

    @Override
    public String toString() {
      return "bucket[" + n + "]";
    }
  }

  /** truncate[W]: values rounded down to a multiple of W; strings and binary cut to W characters/bytes. */
  private static final class Truncate implements Transform {
    private final int width;

    Truncate(int width) {
      this.width = width;
    }

    @Override
    public Object apply(Object v) {
      if (v instanceof Integer) {
        int i = (Integer) v;
        return i - (((i % width) + width) % width);
      }
      if (v instanceof Long) {
        long l = (Long) v;
        return l - (((l % width) + width) % width);
      }
      if (v instanceof BigDecimal) {
        BigDecimal d = (BigDecimal) v;
        BigInteger w = BigInteger.valueOf(width);
        BigInteger unscaled = d.unscaledValue();
        return new BigDecimal(unscaled.subtract(unscaled.mod(w)), d.scale());
      }
      if (v instanceof String) {
        String s = (String) v;
        if (s.codePointCount(0, s.length()) <= width) {
          return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, width));
      }
      if (v instanceof ByteBuffer) {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        if (b.remaining() > width) {
          b.limit(b.position() + width);
        }
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        return copy.asReadOnlyBuffer();
      }
      throw new IllegalArgumentException("truncate cannot be applied to " + v.getClass().getSimpleName());
    }

    @Override
    public Type resultType(Type sourceType) {
      return sourceType;
    }

    @Override
    public boolean canTransform(Type t) {
      switch (t.id()) {
        case INT: case LONG: case DECIMAL: case STRING: case BINARY:
          return true;
        case BOOLEAN, FLOAT, DOUBLE, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, TIMESTAMP_NS, TIMESTAMP_NS_TZ, UUID, FIXED, STRUCT,
            LIST, MAP:
        default:
          return false;
      }
    }

    @Override
    public String toHumanString(Object v) {
      return IDENTITY.toHumanString(v);
    }

    @Override
    public boolean preservesOrder() {
      return true;
    }

    @Override
    public Object[] sourceRange(Type sourceType, Object v) {
      if (v instanceof Integer) {
        long hi = (long) (Integer) v + width - 1;
        return new Object[] {v, (int) Math.min(hi, Integer.MAX_VALUE)};
      }
      if (v instanceof Long) {
        long lo = (Long) v;
        long hi = lo > Long.MAX_VALUE - (width - 1) ? Long.MAX_VALUE : lo + width - 1;
        return new Object[] {v, hi};
      }
      if (v instanceof BigDecimal) {
        BigDecimal d = (BigDecimal) v;
        return new Object[] {d, new BigDecimal(d.unscaledValue().add(BigInteger.valueOf(width - 1L)), d.scale())};
      }
      // strings and binary: every source value starts with the prefix, so the prefix is a lower bound only
      return new Object[] {v, null};
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Truncate && ((Truncate) o).width == width;
    }

    @Override
    public int hashCode() {
      return width;
    }

    @Override
    public String toString() {
      return "truncate[" + width + "]";
    }
  }
}
