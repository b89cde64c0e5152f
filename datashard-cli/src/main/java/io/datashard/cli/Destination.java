package io.datashard.cli;

import io.datashard.Warehouse;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options naming a second warehouse, shared by {@code migrate} and {@code replicate}: it uses the source's
 * {@code DATASHARD_S3_*} settings unless overridden by these options or {@code DATASHARD_TO_S3_*} variables.
 */
final class Destination {
  @Option(names = "--to-table", paramLabel = "NAME", description = "Table name at the destination (default: the same)")
  String toTable;

  @Option(names = "--to-s3-endpoint", paramLabel = "URL", description = "Destination S3 endpoint")
  String toEndpoint;

  @Option(names = "--to-s3-region", paramLabel = "REGION", description = "Destination S3 region")
  String toRegion;

  /** @return the settings of the warehouse at {@code location}, derived from the source's settings */
  Map<String, String> settings(Map<String, String> from, String location) {
    Map<String, String> dest = new HashMap<>(from);
    from.forEach((k, v) -> {
      if (k.startsWith("DATASHARD_TO_S3_")) {
        dest.put("DATASHARD_S3_" + k.substring("DATASHARD_TO_S3_".length()), v);
      }
    });
    Locations.applyWarehouse(dest, location);
    if (toEndpoint != null) {
      dest.put("DATASHARD_S3_ENDPOINT", toEndpoint);
    }
    if (toRegion != null) {
      dest.put("DATASHARD_S3_REGION", toRegion);
    }
    return dest;
  }

  /** @return the table's name at the destination */
  String name(String table) {
    return toTable == null ? table : toTable;
  }

  /**
   * Checks the pair: the source table exists, the destination name is valid and is not the source itself.
   *
   * @return {source location, destination location}
   */
  static String[] locations(Warehouse source, String table, Warehouse target, String name) {
    source.loadTable(table); // a clear "table not found" before anything is written
    String srcLoc = source.tableLocation(table);
    String dstLoc = target.tableLocation(name);
    if (srcLoc.equals(dstLoc)) {
      throw CliException.invalidInput("the destination is the source table itself (" + srcLoc + ")");
    }
    target.tableExists(name); // validates the name
    return new String[] {srcLoc, dstLoc};
  }
}
