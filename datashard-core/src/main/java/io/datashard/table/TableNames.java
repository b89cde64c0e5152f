package io.datashard.table;

import io.datashard.ValidationException;
import java.util.regex.Pattern;

/** The rule for table names: safe as one path segment on every file system and object store. */
public final class TableNames {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,254}");

  private TableNames() {
  }

  /** @return whether the name is acceptable */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches() && !name.contains("..");
  }

  /**
   * @throws ValidationException explaining the rule when the name breaks it (including names that would
   *     escape the warehouse: {@code ..}, {@code /}, absolute paths, control characters)
   */
  public static void validate(String name) {
    if (!isValid(name)) {
      String shown = name == null ? "null" : name.codePoints()
          .collect(StringBuilder::new, (sb, c) -> {
            if (Character.isISOControl(c)) {
              sb.append(String.format("\\u%04x", c));
            } else {
              sb.appendCodePoint(c);
            }
          }, StringBuilder::append).toString();
      throw new ValidationException("invalid table name '" + shown + "': use 1-255 letters, digits, '_', '-' "
          + "or '.', starting with a letter, digit or '_', without '..' or path separators");
    }
  }
}
