package io.datashard.cli;

import io.datashard.Warehouse;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "List the tables of the warehouse, one name per line.")
final class TablesCommand extends TableCommand {
  @Override
  public Integer call() {
    java.util.Map<String, String> settings = cli.settings();
    String catalogUri = settings.get(Warehouse.ENV_CATALOG_URI);
    boolean local = !"s3".equalsIgnoreCase(settings.getOrDefault(Warehouse.ENV_STORAGE_TYPE, "local").trim());
    if ((catalogUri == null || catalogUri.isBlank()) && local) {
      java.nio.file.Path dir = java.nio.file.Path.of(settings.getOrDefault(Warehouse.ENV_WAREHOUSE,
          Warehouse.DEFAULT_LOCAL_WAREHOUSE));
      if (!java.nio.file.Files.isDirectory(dir)) {
        // Reading a warehouse that is not there is a mistake (a typo in --warehouse); only writes create it.
        throw new CliException(DataShardCli.ExitCodes.NOT_FOUND, "the warehouse " + dir.toAbsolutePath()
            + " does not exist: check --warehouse / DATASHARD_WAREHOUSE (the first 'datashard create' makes it)");
      }
    }
    try (Warehouse wh = warehouse()) {
      List<String> names = wh.listTables();
      for (String n : names) {
        out().println(n);
      }
      if (names.isEmpty()) {
        cli.err().println("(no tables in " + wh.location() + ")");
      }
    }
    return 0;
  }
}
