package io.datashard.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What stands in a {@code v<N>.metadata.json} name once that version's metadata is no longer kept: a few hundred
 * bytes of JSON that keep the name occupied. A version name, once created, is never absent again (until the
 * table is dropped and its location removed by hand), so no writer on a stale base can ever create it a second
 * time: its exclusive create fails and it rebuilds on the latest version. The argument is in
 * {@code docs/concurrency.md}, "No version is published twice".
 *
 * <p>Two kinds:
 * <ul>
 *   <li>{@link Kind#EXPIRED}: the version fell out of the metadata log (with
 *       {@code write.metadata.delete-after-commit.enabled}) or its table was dropped; a newer version exists.
 *   <li>{@link Kind#DROPPED}: the table was dropped; this is its last version. Creating a table of the same name
 *       continues the numbering after it.
 * </ul>
 *
 * <p>A tombstone is deliberately not valid Iceberg table metadata (it has no {@code format-version}), so any
 * other reader that reaches one fails loudly instead of misreading it.
 *
 * @param kind expired or dropped
 * @param version the N of the name it stands in
 * @param tableUuid the uuid of the table the version belonged to (null when it could not be known)
 * @param timestampMillis when it was written
 */
public record VersionTombstone(Kind kind, int version, String tableUuid, long timestampMillis) {
  /** The first key of every tombstone: a metadata file never starts with it. */
  static final String KEY = "datashard-tombstone";
  private static final byte[] PREFIX = ("{\"" + KEY + "\"").getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Why a version name holds a tombstone. */
  public enum Kind {
    /** The version's metadata was dropped from the kept history; newer versions exist. */
    EXPIRED,
    /** The table was dropped in this version. */
    DROPPED
  }

  public VersionTombstone {
    Objects.requireNonNull(kind, "kind");
  }

  /** @return the tombstone's JSON, starting with the {@value #KEY} key */
  public byte[] toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put(KEY, kind.name().toLowerCase(java.util.Locale.ROOT));
    n.put("version", version);
    if (tableUuid != null) {
      n.put("table-uuid", tableUuid);
    }
    n.put("timestamp-ms", timestampMillis);
    n.put("note", kind == Kind.DROPPED
        ? "this table was dropped; the name is kept so that no writer can publish this version again"
        : "this version's metadata is no longer kept; the name is kept so that no writer can publish it again");
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param bytes the content of a version file
   * @return whether it starts like a tombstone (cheap: looks at the first bytes only)
   */
  public static boolean looksLikeTombstone(byte[] bytes) {
    if (bytes.length < PREFIX.length) {
      return false;
    }
    for (int i = 0; i < PREFIX.length; i++) {
      if (bytes[i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param file the version file's location (for messages)
   * @param bytes its content
   * @return the tombstone, or null when the content is not one (then it is table metadata, or corrupt)
   * @throws io.datashard.CorruptMetadataException when it starts like a tombstone but cannot be read as one
   */
  public static VersionTombstone parse(String file, byte[] bytes) {
    if (!looksLikeTombstone(bytes)) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(bytes);
      Kind kind = Kind.valueOf(n.get(KEY).asText().toUpperCase(java.util.Locale.ROOT));
      JsonNode uuid = n.get("table-uuid");
      return new VersionTombstone(kind, n.get("version").asInt(), uuid == null ? null : uuid.asText(),
          n.path("timestamp-ms").asLong());
    } catch (IOException | RuntimeException e) {
      throw new io.datashard.CorruptMetadataException(file, "unreadable version tombstone: " + e.getMessage(), e);
    }
  }
}
