package io.datashard.s3;

import io.datashard.DataShardException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting of {@link S3Config}, described once: the environment variable that sets it (if any), its default,
 * what it means, and how the variable's text becomes a value. {@link S3Config#settings()} lists them all;
 * {@link S3Config#fromEnvironment(java.util.Map)} reads every variable through these descriptions, and the
 * settings table of docs/s3.md is checked against them, so the parser, the builder and the documentation cannot
 * drift apart.
 *
 * @param <T> the type of the value
 */
public final class S3Setting<T> {

  private final String name;
  private final String variable;
  private final Class<T> type;
  private final T defaultValue;
  private final String defaultText;
  private final String meaning;
  private final Function<String, T> parser;

  private S3Setting(String name, String variable, Class<T> type, T defaultValue, String defaultText, String meaning,
      Function<String, T> parser) {
    this.name = Objects.requireNonNull(name, "name");
    this.variable = variable;
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
    this.meaning = Objects.requireNonNull(meaning, "meaning");
    this.parser = parser;
  }

  static S3Setting<String> text(String name, String variable, String defaultText, String meaning) {
    return new S3Setting<>(name, variable, String.class, null, defaultText, meaning, Function.identity());
  }

  static S3Setting<Boolean> bool(String name, String variable, Boolean defaultValue, String defaultText,
      String meaning) {
    return new S3Setting<>(name, variable, Boolean.class, defaultValue, defaultText, meaning,
        text -> parseBoolean(variable, text));
  }

  static S3Setting<Integer> integer(String name, String variable, int defaultValue, String meaning) {
    return new S3Setting<>(name, variable, Integer.class, defaultValue, "`" + defaultValue + "`", meaning,
        text -> {
          try {
            return Integer.parseInt(text);
          } catch (NumberFormatException e) {
            throw new DataShardException(variable + " must be an integer, got '" + text + "'");
          }
        });
  }

  /** A byte count given in the environment in MiB. */
  static S3Setting<Long> mebibytes(String name, String variable, long defaultValue, String defaultText,
      String meaning) {
    return new S3Setting<>(name, variable, Long.class, defaultValue, defaultText, meaning, text -> {
      try {
        return Math.multiplyExact(Long.parseLong(text), 1L << 20);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new DataShardException(variable + " must be an integer number of MiB, got '" + text + "'");
      }
    });
  }

  static <E extends Enum<E>> S3Setting<E> choice(String name, String variable, Class<E> type, E defaultValue,
      String defaultText, String meaning) {
    return new S3Setting<>(name, variable, type, defaultValue, defaultText, meaning,
        text -> parseEnum(variable, text, type));
  }

  /** A setting only the builder sets (no environment variable). */
  static S3Setting<Duration> duration(String name, Duration defaultValue, String meaning) {
    return new S3Setting<>(name, null, Duration.class, defaultValue, defaultValue.toString(), meaning, null);
  }

  /** A setting only the builder sets (no environment variable). */
  static S3Setting<Integer> builderInteger(String name, int defaultValue, String meaning) {
    return new S3Setting<>(name, null, Integer.class, defaultValue, "`" + defaultValue + "`", meaning, null);
  }

  /** @return the name of the setting as the builder and the getters spell it */
  public String name() {
    return name;
  }

  /** @return the environment variable that sets it, or null when only the builder does */
  public String variable() {
    return variable;
  }

  /** @return the default as docs/s3.md states it (a value, or the rule that picks one) */
  public String defaultText() {
    return defaultText;
  }

  /** @return what the setting means, as docs/s3.md states it */
  public String meaning() {
    return meaning;
  }

  /** @return the value when nothing sets it, or null when {@link S3Config} derives it from other settings */
  T defaultValue() {
    return defaultValue;
  }

  Class<T> type() {
    return type;
  }

  /**
   * Parses the text of this setting's variable.
   *
   * @param text the trimmed, non-blank text
   * @return the value
   * @throws DataShardException naming the variable when the text is malformed
   */
  T parse(String text) {
    if (parser == null) {
      throw new IllegalStateException(name + " has no environment variable");
    }
    return parser.apply(text);
  }

  /** @return the row of docs/s3.md's table of environment variables */
  String documentationRow() {
    return "| `" + variable + "` | " + defaultText + " | " + meaning + " |";
  }

  @Override
  public String toString() {
    return variable == null ? name : name + " (" + variable + ")";
  }

  static boolean parseBoolean(String variable, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on":
        return true;
      case "false": case "no": case "0": case "off":
        return false;
      default:
        throw new DataShardException(variable + " must be true or false, got '" + value + "'");
    }
  }

  static <E extends Enum<E>> E parseEnum(String variable, String value, Class<E> type) {
    String norm = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(norm)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new DataShardException(variable + " must be one of " + allowed + ", got '" + value + "'");
  }
}
