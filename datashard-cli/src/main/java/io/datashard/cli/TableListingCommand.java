package io.datashard.cli;

import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command that lists something of one table as rows ({@code history}, {@code snapshots}): the TABLE parameter,
 * {@code --format}, loading the table and printing each row through a {@link RowWriter}. Subclasses say which
 * columns and produce the rows.
 */
abstract class TableListingCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES}")
  RowWriter.Format format = RowWriter.Format.TABLE;

  /** @return the columns to print (rows may carry more; only these are printed) */
  abstract Schema columns();

  /**
   * @param table the loaded table
   * @param rows takes each row, by column name
   */
  abstract void rows(Table table, Consumer<Map<String, Object>> rows);

  @Override
  public final Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      Schema columns = columns();
      RowWriter w = RowWriter.create(format, columns, out(), 40);
      rows(t, row -> {
        row.keySet().retainAll(columns.columnNames());
        w.write(row);
      });
      w.close();
    }
    return 0;
  }
}
