package io.datashard;

import java.util.List;

/**
 * A row, schema or scan was asked for a column it does not have. The message names the column and the columns
 * that do exist, so that a typo is found at once instead of surfacing later as a silent null.
 */
public class NoSuchColumnException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final String column;

  /**
   * @param column the name that was asked for
   * @param available the columns that exist where it was looked up
   */
  public NoSuchColumnException(String column, List<String> available) {
    super("no column '" + column + "'; columns are " + available);
    this.column = column;
  }

  /**
   * @param message the whole message
   * @param column the name that was asked for
   */
  public NoSuchColumnException(String message, String column) {
    super(message);
    this.column = column;
  }

  /** @return the column name that was not found */
  public String column() {
    return column;
  }
}
