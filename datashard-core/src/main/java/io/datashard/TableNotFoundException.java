package io.datashard;

/** A table was loaded, dropped or used that does not exist. */
public class TableNotFoundException extends DataShardException {
  private static final long serialVersionUID = 1L;
  private final String tableName;

  public TableNotFoundException(String tableName, String location) {
    super("table '" + tableName + "' does not exist (looked in " + location + ")");
    this.tableName = tableName;
  }

  /**
   * @param tableName the name that was looked up
   * @param location where
   * @param message the whole message, for the cases with more to say (dropped, dropped and created again)
   */
  public TableNotFoundException(String tableName, String location, String message) {
    super(message);
    this.tableName = tableName;
  }

  /** @return the name that was looked up */
  public String tableName() {
    return tableName;
  }
}
