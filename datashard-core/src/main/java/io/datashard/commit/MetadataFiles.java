package io.datashard.commit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of the files under a table's {@code metadata/} directory. */
public final class MetadataFiles {
  private MetadataFiles() {
  }

  /** Name of the advisory file holding the latest version number. */
  public static final String VERSION_HINT = "version-hint.text";
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d{1,9})\\.metadata\\.json");

  /** @return {@code <table>/metadata} */
  public static String metadataDir(String tableLocation) {
    return tableLocation + "/metadata";
  }

  /** @return {@code <table>/data} */
  public static String dataDir(String tableLocation) {
    return tableLocation + "/data";
  }

  /** @return {@code <table>/metadata/v<version>.metadata.json} */
  public static String versionFile(String tableLocation, int version) {
    return metadataDir(tableLocation) + "/v" + version + ".metadata.json";
  }

  /** @return {@code <table>/metadata/version-hint.text} */
  public static String hintFile(String tableLocation) {
    return metadataDir(tableLocation) + "/" + VERSION_HINT;
  }

  /**
   * @param location any file location
   * @return the N of a {@code vN.metadata.json} file name, or -1 when the name is not one
   */
  public static int parseVersion(String location) {
    String name = location.substring(location.lastIndexOf('/') + 1);
    Matcher m = VERSION_FILE.matcher(name);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * The version files a commit pushed out of the metadata log ({@code write.metadata.previous-versions-max}): the
   * base's own file and the files its log held, less the committed version's file and the files its log holds. These
   * are the versions that become tombstones after the commit, whichever metadata model (the library's or Apache
   * Iceberg's) the two versions were read as.
   *
   * @param baseFile the file the commit's base version was read from, or null for none
   * @param baseLog the files the base version's metadata log lists
   * @param committedFile the file the commit published
   * @param committedLog the files the committed version's metadata log lists
   * @return those files, in the base log's order, then the base's own file
   */
  public static java.util.Set<String> fallenOutOfLog(String baseFile, java.util.Collection<String> baseLog,
      String committedFile, java.util.Collection<String> committedLog) {
    java.util.Set<String> fallen = new java.util.LinkedHashSet<>(baseLog);
    if (baseFile != null) {
      fallen.add(baseFile);
    }
    committedLog.forEach(fallen::remove);
    fallen.remove(committedFile);
    return fallen;
  }
}
