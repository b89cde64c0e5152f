package io.datashard;

/** The kind of a row change, named as Iceberg's and Spark's changelog view name them. */
public enum ChangeType {
  /** A row that became live in the snapshot. */
  INSERT,
  /** A row that stopped being live in the snapshot. */
  DELETE,
  /** The old image of a row whose identifier fields matched an inserted row in the same snapshot. */
  UPDATE_BEFORE,
  /** The new image of a row whose identifier fields matched a deleted row in the same snapshot. */
  UPDATE_AFTER
}
