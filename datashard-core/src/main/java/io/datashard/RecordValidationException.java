package io.datashard;

/**
 * A record handed to an append does not fit the table's schema. Nothing of that append became visible: the
 * table is exactly as it was.
 */
public class RecordValidationException extends DataShardException {
  private static final long serialVersionUID = 1L;
  private final long recordIndex;
  private final String fieldName;

  /**
   * @param recordIndex zero-based position of the offending record in the append
   * @param fieldName the offending field (null when the record as a whole is wrong)
   * @param problem what is wrong
   */
  public RecordValidationException(long recordIndex, String fieldName, String problem) {
    super("record " + recordIndex + (fieldName == null ? "" : ", field '" + fieldName + "'") + ": " + problem);
    this.recordIndex = recordIndex;
    this.fieldName = fieldName;
  }

  /** @return zero-based position of the offending record within its append */
  public long recordIndex() {
    return recordIndex;
  }

  /** @return name of the offending field, or null when the record as a whole is wrong */
  public String fieldName() {
    return fieldName;
  }
}
