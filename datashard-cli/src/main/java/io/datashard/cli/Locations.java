package io.datashard.cli;

import java.util.Map;

/** Warehouse locations given on the command line: a local directory or {@code s3://bucket[/prefix]}. */
final class Locations {
  private Locations() {
  }

  /**
   * Writes the DATASHARD_* settings for a warehouse location over {@code settings}.
   *
   * @param settings settings to change
   * @param location {@code s3://bucket[/prefix]}, {@code file:/dir} or a directory
   */
  static void applyWarehouse(Map<String, String> settings, String location) {
    String l = location.trim();
    if (l.startsWith("s3://") || l.startsWith("s3a://")) {
      String rest = l.substring(l.indexOf("://") + 3);
      while (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isEmpty()) {
        throw CliException.invalidInput("no bucket in warehouse location '" + location + "': use s3://bucket[/prefix]");
      }
      settings.put("DATASHARD_STORAGE_TYPE", "s3");
      settings.put("DATASHARD_S3_BUCKET", bucket);
      if (prefix.isEmpty()) {
        settings.remove("DATASHARD_S3_PREFIX");
      } else {
        settings.put("DATASHARD_S3_PREFIX", prefix);
      }
    } else if (l.contains("://")) {
      throw CliException.invalidInput("unsupported warehouse location '" + location
          + "': use a directory or s3://bucket[/prefix]");
    } else {
      settings.put("DATASHARD_STORAGE_TYPE", "local");
      settings.put("DATASHARD_WAREHOUSE", l.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(
          l.startsWith("file://") ? l : "file://" + l.substring(5))).toString() : l);
    }
  }
}
