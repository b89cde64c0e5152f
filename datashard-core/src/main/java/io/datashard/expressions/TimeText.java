package io.datashard.expressions;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one rule by which DataShard reads times written as text, everywhere text becomes a time: filter literals
 * ({@code Expressions.greaterThan("ts", "2024-05-04")}), the CLI's {@code --where}, {@code --as-of} and CSV or JSON
 * input.
 * <ul>
 *   <li>{@code 2024-05-01T10:00:00Z}, {@code 2024-05-01T12:00:00+02:00}: the instant given;
 *   <li>{@code 2024-05-01T10:00:00} or {@code 2024-05-01 10:00:00} (seconds and a fraction optional): no offset
 *       means UTC;
 *   <li>{@code 2024-05-01}: midnight UTC of that day.
 * </ul>
 * Values are kept to microseconds, as Apache Iceberg stores them (finer digits are truncated).
 */
public final class TimeText {
  private TimeText() {
  }

  /**
   * @param text a time in one of the forms above
   * @return it as an instant, in UTC
   * @throws DateTimeParseException when the text is none of them
   */
  public static OffsetDateTime timestampTz(String text) {
    return timestampTzNanos(text).truncatedTo(ChronoUnit.MICROS);
  }

  /** @return {@link #timestampTz} with nanosecond precision (for timestamptz_ns) */
  public static OffsetDateTime timestampTzNanos(String text) {
    String t = text.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t).atStartOfDay().atOffset(ZoneOffset.UTC);
    }
    String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    try {
      return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC); // no offset: UTC
    }
  }

  /** @return {@link #timestamp} with nanosecond precision (for timestamp_ns) */
  public static LocalDateTime timestampNanos(String text) {
    String t = text.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t).atStartOfDay();
    }
    return LocalDateTime.parse(t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t);
  }

  /**
   * @param text a date and time without zone ({@code 2024-05-01T10:00:00}, {@code 2024-05-01 10:00}) or a date
   *     (midnight)
   * @return it as a local date-time
   * @throws DateTimeParseException when the text is neither
   */
  public static LocalDateTime timestamp(String text) {
    return timestampNanos(text).truncatedTo(ChronoUnit.MICROS);
  }

  private static final java.time.format.DateTimeFormatter SECONDS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final java.time.format.DateTimeFormatter MICROS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

  /**
   * The one way times are shown (tables, CSV, JSON Lines): seconds always, then six digits of microseconds when
   * they are not zero; {@code timestamptz} in UTC with {@code Z}. So one column never mixes
   * {@code 2024-05-01T00:00Z} and {@code 2024-05-01T00:00:30Z}, as {@code toString()} would.
   *
   * @param value any value
   * @return its text when it is a {@code LocalTime}, {@code LocalDateTime} or {@code OffsetDateTime}; otherwise null
   */
  public static String format(Object value) {
    if (value instanceof OffsetDateTime odt) {
      LocalDateTime utc = odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      return (utc.getNano() == 0 ? SECONDS : MICROS).format(utc) + "Z";
    }
    if (value instanceof LocalDateTime ldt) {
      return (ldt.getNano() == 0 ? SECONDS : MICROS).format(ldt);
    }
    if (value instanceof java.time.LocalTime lt) {
      return lt.format(java.time.format.DateTimeFormatter.ofPattern(lt.getNano() == 0 ? "HH:mm:ss" : "HH:mm:ss.SSSSSS"));
    }
    return null;
  }
}
