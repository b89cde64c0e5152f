package io.datashard.cli;

import io.datashard.CloseableIterator;
import io.datashard.Row;
import io.datashard.Schema;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * The options and the printing of commands that print rows ({@code scan}, {@code changes}): {@code --limit},
 * {@code --format}, {@code --max-width}; a table stops at {@link #DEFAULT_TABLE_LIMIT} rows unless a limit is given
 * and says so on stderr.
 */
final class RowOutput {
  /** Rows a table shows when no {@code --limit} is given. */
  static final int DEFAULT_TABLE_LIMIT = 100;

  @Option(names = {"-n", "--limit"}, paramLabel = "ROWS",
      description = "Most rows returned (default: all for csv/jsonl, " + DEFAULT_TABLE_LIMIT + " for table)")
  Long limit;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
      description = "Output: ${COMPLETION-CANDIDATES} (default: table)")
  RowWriter.Format format = RowWriter.Format.TABLE;

  @Option(names = "--max-width", paramLabel = "CHARS", description = "Table format: cut longer values (default 40)")
  int maxWidth = 40;

  /** @throws CliException for a negative limit */
  void checkLimit() {
    if (limit != null && limit < 0) {
      throw new CliException(DataShardCli.ExitCodes.USAGE, "--limit must be 0 or more");
    }
  }

  /**
   * Prints rows up to the limit and closes them.
   *
   * @param schema the rows' schema
   * @param rows the rows
   * @param out where the rows go
   * @param err where the "more rows" note goes
   */
  void print(Schema schema, CloseableIterator<Row> rows, PrintStream out, PrintStream err) {
    long max = limit != null ? limit : format == RowWriter.Format.TABLE ? DEFAULT_TABLE_LIMIT : Long.MAX_VALUE;
    long n = 0;
    boolean more = false;
    RowWriter w = RowWriter.create(format, schema, out, maxWidth);
    try (CloseableIterator<Row> it = rows) {
      while (it.hasNext()) {
        if (n == max) {
          more = true;
          break;
        }
        w.write(it.next());
        n++;
      }
    }
    w.close();
    if (more && limit == null && format == RowWriter.Format.TABLE) {
      err.println("(showing the first " + max + " rows; use --limit N for more)");
    }
  }
}
