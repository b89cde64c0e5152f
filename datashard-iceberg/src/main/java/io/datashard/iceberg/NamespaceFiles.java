package io.datashard.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datashard.CorruptMetadataException;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of one namespace: {@code <namespace folder>/.namespace/namespace-v<N>.json}, each holding the
 * namespace's properties (or a "dropped" marker), published by exclusive create exactly like table versions. An
 * update reads the latest version, applies its change and creates the next one; losing the race re-reads and
 * re-applies, so no update is lost. Version names are never deleted: dropping publishes a dropped version and
 * creating again continues the numbering. The {@code .namespace} folder name can never be a table or namespace
 * name (those start with a letter, digit or {@code _}).
 */
final class NamespaceFiles {
  static final String DIR = ".namespace";
  private static final Pattern VERSION = Pattern.compile("namespace-v(\\d{1,9})\\.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_ATTEMPTS = 100;

  /** One namespace version: live with its properties, or dropped. */
  record Version(int number, boolean dropped, Map<String, String> properties) {
  }

  private final StorageBackend storage;
  private final String dir;
  private final String name;

  /**
   * @param storage the warehouse's storage
   * @param folder the namespace's folder
   * @param name the namespace's name (for messages and the files' content)
   */
  NamespaceFiles(StorageBackend storage, String folder, String name) {
    this.storage = storage;
    this.dir = storage.resolve(folder, DIR);
    this.name = name;
  }

  private String file(int n) {
    return storage.resolve(dir, "namespace-v" + n + ".json");
  }

  /** @return the latest version, or null when none was ever created */
  Version latest() {
    int max = 0;
    for (FileInfo f : storage.list(dir)) {
      String loc = f.location();
      Matcher m = VERSION.matcher(loc.substring(loc.lastIndexOf('/') + 1));
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    if (max == 0) {
      return null;
    }
    while (storage.exists(file(max + 1))) {
      max++;
    }
    return read(max);
  }

  /** @return the live version, or null when the namespace does not exist (never created, or dropped) */
  Version live() {
    Version v = latest();
    return v == null || v.dropped() ? null : v;
  }

  private Version read(int n) {
    String f = file(n);
    try {
      JsonNode node = MAPPER.readTree(storage.readAll(f));
      Map<String, String> props = new TreeMap<>();
      node.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
      return new Version(n, node.path("dropped").asBoolean(false), Collections.unmodifiableMap(props));
    } catch (FileNotFoundInStorageException e) {
      throw new CorruptMetadataException(f, "namespace version disappeared: version names are never deleted");
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetadataException(f, "unreadable namespace version: " + e.getMessage(), e);
    }
  }

  private boolean create(int n, boolean dropped, Map<String, String> properties) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("namespace", name);
    node.put("version", n);
    node.put("dropped", dropped);
    node.put("timestamp-ms", System.currentTimeMillis());
    node.put("commit-id", java.util.UUID.randomUUID().toString()); // makes a read-back after a timeout decisive
    ObjectNode props = node.putObject("properties");
    new TreeMap<>(properties).forEach(props::put);
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(node);
      return createExclusive(file(n), bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The exclusive create; an unknown outcome is decided by reading the file back (the content is unique). */
  private boolean createExclusive(String f, byte[] bytes) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storage.createExclusive(f, bytes);
      } catch (CommitOutcomeUnknownException e) {
        try {
          return java.util.Arrays.equals(storage.readAll(f), bytes);
        } catch (FileNotFoundInStorageException absent) {
          if (attempt >= 5) {
            throw e; // still absent after several tries: creating again is safe, but give up
          }
        }
      }
    }
  }

  /**
   * Creates the namespace: version 1, or the version after a dropped one.
   *
   * @return false when the namespace exists
   */
  boolean create(Map<String, String> properties) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Version v = latest();
      if (v != null && !v.dropped()) {
        return false;
      }
      if (create(v == null ? 1 : v.number() + 1, false, properties)) {
        return true;
      }
    }
    throw new org.apache.iceberg.exceptions.CommitFailedException("Cannot create namespace %s: too many concurrent "
        + "changes", name);
  }

  /**
   * Applies a change to the latest live properties and publishes it as the next version, re-applying it on the
   * newer version when another writer published first.
   *
   * @return the new version, or null when the namespace does not exist
   */
  Version update(UnaryOperator<Map<String, String>> change) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Version v = live();
      if (v == null) {
        return null;
      }
      Map<String, String> props = change.apply(new LinkedHashMap<>(v.properties()));
      if (create(v.number() + 1, false, props)) {
        return new Version(v.number() + 1, false, Map.copyOf(props));
      }
    }
    throw new org.apache.iceberg.exceptions.CommitFailedException("Cannot update namespace %s: too many concurrent "
        + "changes", name);
  }

  /**
   * Publishes a dropped version after {@code live}.
   *
   * @return false when another writer published a version first (the caller re-checks and tries again)
   */
  boolean drop(Version live) {
    return create(live.number() + 1, true, Map.of());
  }

  /**
   * Publishes {@code properties} as live again after a dropped version (a drop that found the namespace no
   * longer empty undoes itself).
   */
  boolean restore(Version dropped, Map<String, String> properties) {
    return create(dropped.number() + 1, false, properties);
  }
}
