package io.datashard.cli;

import io.datashard.Warehouse;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "List the tables of the warehouse, one name per line.")
final class TablesCommand extends TableCommand {
  @Override
  public Integer call() {
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
