package io.datashard.cli;

import io.datashard.CloseableIterator;
import io.datashard.DataShardException;
import io.datashard.Field;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.changes.ChangeFeed;
import io.datashard.ChangeRow;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "changes", mixinStandardHelpOptions = true,
    description = {"Rows inserted, deleted and updated by the snapshots after --from up to --to (the change feed).",
        "Columns: the table's, then _change_type, _change_ordinal and _commit_snapshot_id as Spark names them."},
    footer = {"", "Examples:",
        "  datashard changes events",
        "  datashard changes events --from 4721380019203 --format jsonl"})
final class ChangesCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Option(names = "--from", paramLabel = "ID",
      description = "Start after this snapshot (exclusive; default: from the first snapshot of --to's history)")
  Long from;

  @Option(names = "--to", paramLabel = "ID", description = "End at this snapshot (inclusive; default: current)")
  Long to;

  @Mixin
  RowOutput output = new RowOutput();

  @Override
  public Integer call() {
    output.checkLimit();
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      ChangeFeed feed;
      try {
        feed = ChangeFeed.open(t, from, to);
      } catch (DataShardException e) {
        throw CliException.invalidInput(e.getMessage() + "; `datashard snapshots " + table + "` lists the snapshots");
      }
      List<Field> fields = new ArrayList<>(t.schema().fields());
      int base = Integer.MAX_VALUE - 1000;
      fields.add(Field.required(base, "_change_type", Types.STRING));
      fields.add(Field.required(base + 1, "_change_ordinal", Types.INT));
      fields.add(Field.required(base + 2, "_commit_snapshot_id", Types.LONG));
      Schema schema = Schema.of(fields);
      int width = t.schema().fields().size();
      ChangeFeed changes = feed;
      output.print(schema, new CloseableIterator<Row>() {
        @Override
        public boolean hasNext() {
          return changes.hasNext();
        }

        @Override
        public Row next() {
          ChangeRow c = changes.next();
          Object[] values = new Object[width + 3];
          for (int i = 0; i < width; i++) {
            values[i] = c.row().get(t.schema().fields().get(i).name());
          }
          values[width] = c.type().name();
          values[width + 1] = c.ordinal();
          values[width + 2] = c.snapshotId();
          return Row.wrap(schema, values);
        }

        @Override
        public void close() {
          changes.close();
        }
      }, out(), cli.err());
    }
    return 0;
  }
}
