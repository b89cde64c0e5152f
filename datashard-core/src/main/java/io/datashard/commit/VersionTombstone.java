package io.datashard.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What stands in a {@code v<N>.metadata.json} name once that version's metadata is no longer kept: a small JSON
 * object that keeps the name occupied. A version name, once created, is never absent again (until the table is
 * dropped and its location removed by hand), so no writer on a stale base can ever create it a second time: its
 * exclusive create fails and it rebuilds on the latest version. The argument is in {@code docs/concurrency.md},
 * "No version is published twice".
 *
 * <p>Two kinds:
 * <ul>
 *   <li>{@link Kind#EXPIRED}: the version fell out of the metadata log (with
 *       {@code write.metadata.delete-after-commit.enabled}, or automatic upkeep) or its table was dropped; a newer
 *       version exists. Written as the 33 bytes {@code {"datashard-tombstone":"expired"}}: a table fed by small
 *       appends leaves one per version it ever published, so its size is what the table pays per commit, for
 *       good. The name already says which version it is, and nothing reads anything else from it.
 *   <li>{@link Kind#DROPPED}: the table was dropped; this is its last version. Creating a table of the same name
 *       continues the numbering after it. It records the dropped table's uuid and the time, and a note for
 *       whoever opens it.
 * </ul>
 * Older DataShard versions wrote expired tombstones with the version, uuid, time and a note too; they read the
 * same.
 *
 * <p>A tombstone is deliberately not valid Iceberg table metadata (it has no {@code format-version}), so any
 * other reader that reaches one fails loudly instead of misreading it. It is never empty: an empty version file is
 * damage, reported as such.
 *
 * @param kind expired or dropped
 * @param version the N of the name it stands in
 * @param tableUuid the uuid of the table the version belonged to (null when not recorded)
 * @param timestampMillis when it was written (0 when not recorded)
 */
public record VersionTombstone(Kind kind, int version, String tableUuid, long timestampMillis) {
  /** The first key of every tombstone: a metadata file never starts with it. */
  static final String KEY = "datashard-tombstone";
  private static final byte[] PREFIX = ("{\"" + KEY + "\"").getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] EXPIRED_JSON = ("{\"" + KEY + "\":\"expired\"}").getBytes(StandardCharsets.UTF_8);

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

  /**
   * @param version the N of the name it will stand in
   * @return the tombstone of a version whose metadata is no longer kept
   */
  public static VersionTombstone expired(int version) {
    return new VersionTombstone(Kind.EXPIRED, version, null, 0);
  }

  /**
   * @param version the version the drop is published as
   * @param tableUuid the uuid of the table being dropped
   * @return the tombstone that drops a table, timestamped now
   */
  public static VersionTombstone dropped(int version, String tableUuid) {
    return new VersionTombstone(Kind.DROPPED, version, tableUuid, System.currentTimeMillis());
  }

  /**
   * @param storeModifiedMillis when the store last wrote the file holding it
   * @return when it was written: its own time, or the store's when it records none (both at or after the commit of
   *     the version it stands in)
   */
  public long writtenMillis(long storeModifiedMillis) {
    return timestampMillis != 0 ? timestampMillis : storeModifiedMillis;
  }

  /**
   * @return the tombstone's JSON, starting with the {@value #KEY} key; an expired tombstone is only that key
   */
  public byte[] toJson() {
    if (kind == Kind.EXPIRED && tableUuid == null && timestampMillis == 0) {
      return EXPIRED_JSON.clone();
    }
    ObjectNode n = MAPPER.createObjectNode();
    n.put(KEY, kind.name().toLowerCase(java.util.Locale.ROOT));
    n.put("version", version);
    if (tableUuid != null) {
      n.put("table-uuid", tableUuid);
    }
    if (timestampMillis != 0) {
      n.put("timestamp-ms", timestampMillis);
    }
    if (kind == Kind.DROPPED) {
      n.put("note", "this table was dropped; the name is kept so that no writer can publish this version again");
    }
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
      JsonNode version = n.get("version");
      return new VersionTombstone(kind, version == null ? MetadataFiles.parseVersion(file) : version.asInt(),
          uuid == null ? null : uuid.asText(), n.path("timestamp-ms").asLong());
    } catch (IOException | RuntimeException e) {
      throw new io.datashard.CorruptMetadataException(file, "unreadable version tombstone: " + e.getMessage(), e);
    }
  }
}
