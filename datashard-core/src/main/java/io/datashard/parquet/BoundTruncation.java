package io.datashard.parquet;

import java.nio.ByteBuffer;

/**
 * Truncation of string and binary bounds, as Iceberg's default {@code truncate(16)} metrics mode does.
 *
 * <p>A truncated lower bound is a prefix, which is never greater than the value. A truncated upper bound is a
 * prefix whose last character (byte) is incremented so it stays greater than every value it bounds; when no
 * character (byte) of the prefix can be incremented there is no short upper bound and the caller omits it.
 */
final class BoundTruncation {
  /** Iceberg's default truncation length: 16 characters (code points) or bytes. */
  static final int DEFAULT_LENGTH = 16;

  private static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;

  private BoundTruncation() {
  }

  /** @return {@code value} truncated to at most {@code length} code points */
  static String truncateStringMin(String value, int length) {
    if (value.codePointCount(0, value.length()) <= length) {
      return value;
    }
    return value.substring(0, value.offsetByCodePoints(0, length));
  }

  /**
   * @return the shortest string of at most {@code length} code points that is greater than or equal to
   *     {@code value} in code point order, or null when none exists
   */
  static String truncateStringMax(String value, int length) {
    if (value.codePointCount(0, value.length()) <= length) {
      return value;
    }
    String prefix = value.substring(0, value.offsetByCodePoints(0, length));
    int end = prefix.length();
    while (end > 0) {
      int cp = prefix.codePointBefore(end);
      int start = end - Character.charCount(cp);
      int next = cp + 1;
      if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
        next = Character.MAX_SURROGATE + 1; // surrogates are not characters; skip them
      }
      if (next <= MAX_CODE_POINT) {
        return new StringBuilder(start + 2).append(prefix, 0, start).appendCodePoint(next).toString();
      }
      end = start; // the largest code point cannot grow: drop it and increment the one before
    }
    return null;
  }

  /** @return the first {@code length} bytes of {@code value} (a new buffer), or the value when shorter */
  static ByteBuffer truncateBinaryMin(ByteBuffer value, int length) {
    if (value.remaining() <= length) {
      return value;
    }
    ByteBuffer copy = value.duplicate();
    copy.limit(copy.position() + length);
    return copy.slice();
  }

  /**
   * @return the shortest byte string of at most {@code length} bytes that is greater than or equal to
   *     {@code value} in unsigned lexicographic order, or null when none exists
   */
  static ByteBuffer truncateBinaryMax(ByteBuffer value, int length) {
    if (value.remaining() <= length) {
      return value;
    }
    byte[] prefix = new byte[length];
    value.duplicate().get(prefix);
    for (int i = length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] out = new byte[i + 1];
        System.arraycopy(prefix, 0, out, 0, i + 1);
        out[i]++;
        return ByteBuffer.wrap(out);
      }
    }
    return null;
  }
}
