package io.datashard;

/** What a file of a table holds, as the Iceberg spec's {@code content} field says. */
public enum FileContent {
  /** Rows. */
  DATA,
  /** Row-level deletes by data file and row position. */
  POSITION_DELETES,
  /** Row-level deletes by column values. */
  EQUALITY_DELETES
}
