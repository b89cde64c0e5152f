package io.datashard.update;

import io.datashard.ValidationException;
import java.util.Locale;
import java.util.Map;

/**
 * Isolation of operations that remove or rewrite rows, as Apache Iceberg defines it for delete, update and merge
 * (table properties {@code write.delete.isolation-level}, {@code write.update.isolation-level},
 * {@code write.merge.isolation-level}; default {@code serializable}).
 *
 * <ul>
 *   <li>{@link #SERIALIZABLE}: the commit fails when a concurrent commit since the operation's starting snapshot
 *       added data files that might hold rows its filter matches (the result would differ from running after
 *       that commit), or removed a file it removes.</li>
 *   <li>{@link #SNAPSHOT}: concurrent appends are carried along; the commit fails only when a concurrent commit
 *       removed a file it removes.</li>
 * </ul>
 */
public enum IsolationLevel {
  /** Fails on concurrent appends that might match the operation's filter. */
  SERIALIZABLE,
  /** Tolerates concurrent appends. */
  SNAPSHOT;

  /** Property for deletes. */
  public static final String DELETE_PROPERTY = "write.delete.isolation-level";
  /** Property for updates. */
  public static final String UPDATE_PROPERTY = "write.update.isolation-level";
  /** Property for merges (upserts, row deltas). */
  public static final String MERGE_PROPERTY = "write.merge.isolation-level";

  /**
   * @param properties table properties
   * @param key one of the property names above
   * @return the level the table sets, serializable when unset
   * @throws ValidationException for an unknown value
   */
  public static IsolationLevel fromProperties(Map<String, String> properties, String key) {
    String v = properties.get(key);
    if (v == null) {
      return SERIALIZABLE;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "serializable":
        return SERIALIZABLE;
      case "snapshot":
        return SNAPSHOT;
      default:
        throw new ValidationException("table property " + key + " = '" + v + "': expected 'serializable' or "
            + "'snapshot'");
    }
  }
}
