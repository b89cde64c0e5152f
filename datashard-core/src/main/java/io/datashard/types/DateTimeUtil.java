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

  public static long microsFromTimestamp(LocalDateTime ts) {
    return ChronoUnit.MICROS.between(EPOCH, ts.atOffset(ZoneOffset.UTC));
  }

  public static LocalDateTime timestampFromMicros(long micros) {
    return EPOCH.plus(micros, ChronoUnit.MICROS).toLocalDateTime();
  }

  public static long microsFromTimestamptz(OffsetDateTime ts) {
    return ChronoUnit.MICROS.between(EPOCH, ts);
  }

  public static OffsetDateTime timestamptzFromMicros(long micros) {
    return EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
