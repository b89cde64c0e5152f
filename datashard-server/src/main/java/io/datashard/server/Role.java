package io.datashard.server;

import java.util.Locale;

/** What a principal may do through the server. */
public enum Role {
  /** Reads only: config, list, load, exists, metrics reports. */
  READ_ONLY,
  /** Reads and writes: create, commit, drop, register, namespace changes. */
  READ_WRITE;

  /**
   * @param text {@code read-only} or {@code read-write} (case-insensitive, {@code _} for {@code -} allowed)
   * @return the role
   * @throws IllegalArgumentException for anything else
   */
  public static Role parse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "read-only":
        return READ_ONLY;
      case "read-write":
        return READ_WRITE;
      default:
        throw new IllegalArgumentException("Unknown role '" + text + "': expected read-only or read-write");
    }
  }

  /** @return whether this role may change the warehouse */
  public boolean canWrite() {
    return this == READ_WRITE;
  }
}
