package io.datashard.types;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Conversions between java.time values and Iceberg's integer encodings (days, microseconds). */
public final class DateTimeUtil {
  private DateTimeUtil() {
  }

  private static final LocalDate EPOCH_DAY = LocalDate.ofEpochDay(0);
  private static final OffsetDateTime EPOCH = Instant.EPOCH.atOffset(ZoneOffset.UTC);

  public static int daysFromDate(LocalDate date) {
    return Math.toIntExact(date.toEpochDay());
  }

  public static LocalDate dateFromDays(int days) {
    return EPOCH_DAY.plusDays(days);
  }

  public static long microsFromTime(LocalTime time) {
    return time.toNanoOfDay() / 1000L;
  }

  public static LocalTime timeFromMicros(long micros) {
    return LocalTime.ofNanoOfDay(micros * 1000L);
  }

  /** @return microseconds since the epoch, rounded down (a nanosecond timestamp is hashed and bucketed by it) */
  public static long microsFromTimestamp(LocalDateTime ts) {
    return since(ts.toEpochSecond(ZoneOffset.UTC), ts.getNano() / 1000, 1_000_000L);
  }

  /**
   * @return {@code seconds * perSecond + fraction} without overflowing where the result fits: before the epoch the
   *     fraction is carried into the seconds first (the smallest representable values have a negative second count
   *     whose product alone would overflow)
   */
  private static long since(long seconds, long fraction, long perSecond) {
    if (seconds < 0 && fraction > 0) {
      return Math.addExact(Math.multiplyExact(seconds + 1, perSecond), fraction - perSecond);
    }
    return Math.addExact(Math.multiplyExact(seconds, perSecond), fraction);
  }

  /** @return nanoseconds since the epoch (format version 3's timestamp_ns) */
  public static long nanosFromTimestamp(LocalDateTime ts) {
    return since(ts.toEpochSecond(ZoneOffset.UTC), ts.getNano(), 1_000_000_000L);
  }

  public static LocalDateTime timestampFromNanos(long nanos) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), (int) Math.floorMod(nanos, 1_000_000_000L),
        ZoneOffset.UTC);
  }

  /** @return nanoseconds since the epoch (format version 3's timestamptz_ns) */
  public static long nanosFromTimestamptz(OffsetDateTime ts) {
    return since(ts.toEpochSecond(), ts.getNano(), 1_000_000_000L);
  }

  public static OffsetDateTime timestamptzFromNanos(long nanos) {
    return timestampFromNanos(nanos).atOffset(ZoneOffset.UTC);
  }

  public static LocalDateTime timestampFromMicros(long micros) {
    return EPOCH.plus(micros, ChronoUnit.MICROS).toLocalDateTime();
  }

  public static long microsFromTimestamptz(OffsetDateTime ts) {
    return since(ts.toEpochSecond(), ts.getNano() / 1000, 1_000_000L);
  }

  public static OffsetDateTime timestamptzFromMicros(long micros) {
    return EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
