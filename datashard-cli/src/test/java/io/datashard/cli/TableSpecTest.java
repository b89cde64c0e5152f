package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Types;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table definitions for {@code datashard create}, inline and from files, including what a user can mistype. */
class TableSpecTest {
  @TempDir
  Path dir;

  @Test
  void inlineColumnsWithAliasesNullabilityAndNestedTypes() {
    Schema s = TableSpec.parse("id BIGINT not null, name varchar, amount decimal(9, 2) REQUIRED, ok bool null,"
        + " tags list<string not null>, attrs map<string, int>, loc struct<lat: double, lon double not null>").schema();
    assertThat(s.columnNames()).containsExactly("id", "name", "amount", "ok", "tags", "attrs", "loc");
    assertThat(s.findField("id").type()).isEqualTo(Types.LONG);
    assertThat(s.findField("id").isRequired()).isTrue();
    assertThat(s.findField("name").type()).isEqualTo(Types.STRING);
    assertThat(s.findField("name").isRequired()).isFalse();
    assertThat(s.findField("amount").type()).isEqualTo(Types.decimal(9, 2));
    assertThat(s.findField("amount").isRequired()).isTrue();
    assertThat(s.findField("ok").type()).isEqualTo(Types.BOOLEAN);
    assertThat(s.findField("ok").isRequired()).isFalse();
    assertThat(s.findField("tags").type().id()).isEqualTo(io.datashard.Type.Id.LIST);
    assertThat(s.findField("attrs").type().id()).isEqualTo(io.datashard.Type.Id.MAP);
    assertThat(s.findField("loc").type().id()).isEqualTo(io.datashard.Type.Id.STRUCT);
  }

  @Test
  void emptyColumnsBetweenCommasAreIgnored() {
    assertThat(TableSpec.parse(" , id long,, name string, ").schema().columnNames()).containsExactly("id", "name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", ",", "id", "id long, name", "id notatype", "id long, id string", "id decimal(99, 2)",
      "id decimal(9)", "id decimal(a, b)", "id fixed[-1]", "id fixed[99999999999]", "id list<>", "id map<string>",
      "id map<string, int, long>", "id struct<>", "id struct<x>", "id list<long", "id struct<a: nosuch>",
      "id long not null not null"})
  void hostileInlineSpecsAreInputErrors(String spec) {
    assertThatThrownBy(() -> TableSpec.parse(spec)).isInstanceOfSatisfying(CliException.class,
        e -> assertThat(e.exitCode()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT));
  }

  @Test
  void fileSpecsInJsonAndYamlAndTheirErrors() throws Exception {
    Path json = dir.resolve("t.json");
    Files.writeString(json, "{\"columns\": [{\"name\": \"id\", \"type\": \"long\", \"required\": true},"
        + " {\"name\": \"ts\", \"type\": \"timestamptz\"}], \"partition\": [\"day(ts)\"],"
        + " \"properties\": {\"a\": \"b\"}}");
    TableSpec spec = TableSpec.parse(json.toString());
    assertThat(spec.schema().columnNames()).containsExactly("id", "ts");
    assertThat(spec.partitionTerms()).containsExactly("day(ts)");
    assertThat(spec.properties()).containsEntry("a", "b");
    Path yaml = dir.resolve("t.yaml");
    Files.writeString(yaml, "columns:\n  - {name: id, type: long}\n  - {name: d, type: decimal(9,2)}\n");
    assertThat(TableSpec.parse("@" + yaml).schema().findField("d").type()).isEqualTo(Types.decimal(9, 2));

    assertFileRejected("missing.json", null, "does not exist");
    assertFileRejected("bad.json", "{\"columns\": [", "cannot read");
    assertFileRejected("list.json", "[1, 2]", "'columns'");
    assertFileRejected("nocols.json", "{\"partition\": []}", "'columns'");
    assertFileRejected("noname.json", "{\"columns\": [{\"type\": \"long\"}]}", "'name' and 'type'");
    assertFileRejected("badtype.yaml", "columns:\n  - {name: id, type: lng}\n", "unknown type 'lng'");
    assertFileRejected("empty.yml", "", null);
  }

  private void assertFileRejected(String name, String content, String message) throws Exception {
    Path p = dir.resolve(name);
    if (content != null) {
      Files.writeString(p, content);
    }
    assertThatThrownBy(() -> TableSpec.parse(p.toString())).isInstanceOfSatisfying(CliException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT);
      if (message != null) {
        assertThat(e.getMessage()).contains(message);
      }
    });
  }

  @Test
  void partitionTermsInAnyCaseAndTheirErrors() {
    Schema s = TableSpec.parse("id long, ts timestamptz, name string").schema();
    PartitionSpec spec = TableSpec.partitionSpec(s, List.of("DAY(ts)", " bucket( id , 16 ) ", "truncate(name,4)",
        "name", " "));
    assertThat(spec.fields()).hasSize(4);
    for (String bad : new String[] {"day(nosuch)", "bucket(id)", "bucket(id, 0)", "bucket(id, 99999999999)",
        "frobnicate(id)", "day(ts", "day()", "bucket(id, -3)", "year(name)", "nosuch", "id, name"}) {
      assertThatThrownBy(() -> TableSpec.partitionSpec(s, List.of(bad))).as(bad)
          .isInstanceOfSatisfying(CliException.class,
              e -> assertThat(e.exitCode()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT));
    }
  }

  @Test
  void splitTopLevelKeepsParenthesesBracketsAndAnglesWhole() {
    assertThat(TableSpec.splitTopLevel("a decimal(9,2), b map<string, int>, c fixed[2],")).containsExactly(
        "a decimal(9,2)", " b map<string, int>", " c fixed[2]");
  }
}
