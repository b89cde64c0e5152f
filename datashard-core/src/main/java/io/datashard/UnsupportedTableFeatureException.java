package io.datashard;

/**
 * The table uses a part of the Apache Iceberg format that DataShard cannot honour for the requested operation
 * (for example delete files in a snapshot being scanned, or a {@code format-version} above 2). DataShard refuses
 * rather than misread: nothing was changed. The message names the table, the snapshot where relevant, and what
 * is unsupported. See {@code docs/format.md}, "What DataShard refuses".
 */
public class UnsupportedTableFeatureException extends DataShardException {
  private static final long serialVersionUID = 1L;

  public UnsupportedTableFeatureException(String message) {
    super(message);
  }
}
