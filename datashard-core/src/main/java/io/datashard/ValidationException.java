package io.datashard;

/** An argument was invalid: a table name, a schema, a column name, a snapshot id. Nothing was changed. */
public class ValidationException extends DataShardException {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }

  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
