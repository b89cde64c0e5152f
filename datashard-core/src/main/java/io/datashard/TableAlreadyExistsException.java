package io.datashard;

/** A table was created under a name that is already taken; the existing table was not touched. */
public class TableAlreadyExistsException extends DataShardException {
  private static final long serialVersionUID = 1L;
  private final String tableName;

  public TableAlreadyExistsException(String tableName, String location) {
    super("table '" + tableName + "' already exists at " + location);
    this.tableName = tableName;
  }

  /** @return the name that is taken */
  public String tableName() {
    return tableName;
  }
}
