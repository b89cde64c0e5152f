package io.datashard.cli;

import io.datashard.PartitionSpec;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create a table.",
        "SCHEMA is inline ('id long not null, event string, ts timestamptz') or a JSON/YAML file "
            + "(schema.yaml or @file) with 'columns', optional 'partition' and 'properties'."},
    footer = {"", "Examples:",
        "  datashard create events 'user_id long not null, event string, ts timestamptz' -p 'day(ts)'",
        "  datashard create events schema.yaml"})
final class CreateCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Parameters(index = "1", paramLabel = "SCHEMA", description = "Inline schema or JSON/YAML file")
  String schema;

  @Option(names = {"-p", "--partition"}, paramLabel = "TERM", split = ",(?![^()]*\\))",
      description = "Partitioning: column, year(c), month(c), day(c), hour(c), bucket(c,N), truncate(c,W); "
          + "repeat or separate with commas")
  List<String> partition = new ArrayList<>();

  @Option(names = "--property", paramLabel = "KEY=VALUE", description = "Table property (repeatable)")
  Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() {
    TableSpec spec = TableSpec.parse(schema);
    List<String> terms = new ArrayList<>(spec.partitionTerms());
    terms.addAll(partition);
    PartitionSpec ps = TableSpec.partitionSpec(spec.schema(), terms);
    Map<String, String> props = new LinkedHashMap<>(spec.properties());
    props.putAll(properties);
    try (Warehouse wh = warehouse()) {
      Table t = wh.createTable(table, spec.schema(), ps, props);
      out().println("Created table " + t.name() + " at " + t.location());
      DescribeCommand.printSchema(out(), t.schema());
      if (!ps.isUnpartitioned()) {
        out().println("Partitioned by " + DescribeCommand.partitioning(t.schema(), ps));
      }
    }
    return 0;
  }
}
