package io.datashard.encryption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What DataShard stores in a data file's {@code key_metadata} (manifest field 131): the id of the master key and
 * the file's data key wrapped by it. Immutable. The plaintext data key is never stored anywhere.
 *
 * <p>Binary form (version 1): the 4 bytes {@code DSKM}, a version byte {@code 1}, the master key id as a 2-byte
 * big-endian length and UTF-8 bytes, the wrapped key as a 2-byte length and bytes. Apache Iceberg's own
 * {@code StandardKeyMetadata} starts with version byte {@code 1} followed by Avro; the two formats are told apart
 * by the first byte, and neither library reads the other's (docs/encryption.md, "Interoperability").
 */
public final class KeyMetadata {
  private static final byte[] MAGIC = {'D', 'S', 'K', 'M'};
  private static final byte VERSION = 1;

  private final String masterKeyId;
  private final byte[] wrappedKey;

  /**
   * @param masterKeyId the master key that wrapped the data key
   * @param wrappedKey the wrapped data key (copied)
   */
  public KeyMetadata(String masterKeyId, byte[] wrappedKey) {
    this.masterKeyId = Objects.requireNonNull(masterKeyId, "masterKeyId");
    this.wrappedKey = wrappedKey.clone();
    if (masterKeyId.getBytes(StandardCharsets.UTF_8).length > 0xFFFF || wrappedKey.length > 0xFFFF) {
      throw new IllegalArgumentException("master key id or wrapped key longer than 65535 bytes");
    }
  }

  /** @return the master key id */
  public String masterKeyId() {
    return masterKeyId;
  }

  /** @return the wrapped data key (a copy) */
  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  /** @return whether the bytes start like DataShard key metadata */
  public static boolean isDataShard(ByteBuffer bytes) {
    if (bytes == null || bytes.remaining() < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.get(bytes.position() + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** @return the binary form, for {@code key_metadata} */
  public ByteBuffer toBytes() {
    byte[] id = masterKeyId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 1 + 2 + id.length + 2 + wrappedKey.length);
    b.put(MAGIC).put(VERSION).putShort((short) id.length).put(id).putShort((short) wrappedKey.length).put(wrappedKey);
    b.flip();
    return b.asReadOnlyBuffer();
  }

  /**
   * @param bytes a data file's {@code key_metadata}
   * @return the parsed metadata
   * @throws IllegalArgumentException when the bytes are not DataShard key metadata of a known version (for
   *     example Apache Iceberg's own format)
   */
  public static KeyMetadata parse(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate();
    if (!isDataShard(b)) {
      throw new IllegalArgumentException("key metadata is not in DataShard's format (first byte "
          + (b.remaining() == 0 ? "none" : Integer.toString(b.get(b.position()) & 0xFF))
          + "; Apache Iceberg's own encryption writes a different format)");
    }
    try {
      b.position(b.position() + MAGIC.length);
      byte version = b.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("key metadata version " + version + " is not supported (only " + VERSION
            + ")");
      }
      byte[] id = new byte[b.getShort() & 0xFFFF];
      b.get(id);
      byte[] wrapped = new byte[b.getShort() & 0xFFFF];
      b.get(wrapped);
      return new KeyMetadata(new String(id, StandardCharsets.UTF_8), wrapped);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("key metadata is truncated", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyMetadata k && k.masterKeyId.equals(masterKeyId) && Arrays.equals(k.wrappedKey, wrappedKey);
  }

  @Override
  public int hashCode() {
    return masterKeyId.hashCode() * 31 + Arrays.hashCode(wrappedKey);
  }

  /** @return the master key id only (never the wrapped key) */
  @Override
  public String toString() {
    return "KeyMetadata{masterKeyId=" + masterKeyId + "}";
  }
}
