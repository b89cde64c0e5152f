package io.datashard.update;

import io.datashard.TableProperties;
import io.datashard.ValidationException;
import java.util.Map;

/**
 * Which row-level operations write delete files instead of rewriting data files, from Apache Iceberg's table
 * properties: {@link TableProperties#DELETE_MODE} for deletes, {@link TableProperties#MERGE_MODE} for upserts (an
 * upsert is a merge: matched keys replaced, the others inserted), falling back to the delete mode when the merge mode
 * is not set so that one property switches a table over. A value other than {@code copy-on-write} or
 * {@code merge-on-read} is refused, naming the property.
 */
public final class WriteModes {
  private WriteModes() {
  }

  /** @return whether deletes write position delete files ({@code write.delete.mode=merge-on-read}) */
  public static boolean deletesMergeOnRead(Map<String, String> properties) {
    return mergeOnRead(TableProperties.DELETE_MODE, properties.get(TableProperties.DELETE_MODE));
  }

  /** @return whether upserts write delete files ({@code write.merge.mode}, else {@code write.delete.mode}) */
  public static boolean upsertsMergeOnRead(Map<String, String> properties) {
    String merge = properties.get(TableProperties.MERGE_MODE);
    return merge != null ? mergeOnRead(TableProperties.MERGE_MODE, merge) : deletesMergeOnRead(properties);
  }

  private static boolean mergeOnRead(String property, String value) {
    if (value == null || value.equals(TableProperties.DELETE_MODE_COPY_ON_WRITE)) {
      return false;
    }
    if (value.equals(TableProperties.DELETE_MODE_MERGE_ON_READ)) {
      return true;
    }
    throw new ValidationException("table property " + property + " is '" + value + "'; it must be "
        + TableProperties.DELETE_MODE_COPY_ON_WRITE + " or " + TableProperties.DELETE_MODE_MERGE_ON_READ);
  }
}
