package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Types;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading CSV and JSON Lines input files as a user writes them, including broken ones. */
class RowSourceTest {
  static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING));

  @TempDir
  Path dir;

  private Path file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private List<Map<String, Object>> read(Path p) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RowSource s = RowSource.open(p, RowSource.detect(p), SCHEMA, ',')) {
      for (Map<String, Object> r; (r = s.next()) != null; ) {
        rows.add(r);
      }
    }
    return rows;
  }

  private void assertRejected(Path p, String... messageParts) {
    assertThatThrownBy(() -> read(p)).isInstanceOfSatisfying(CliException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(DataShardCli.ExitCodes.INVALID_INPUT);
      assertThat(e.getMessage()).contains(p.toString()).contains(messageParts);
    });
  }

  @Test
  void detectsFormatsByNameAndRejectsUnknownNames() {
    assertThat(RowSource.detect(Path.of("a.CSV"))).isEqualTo(RowSource.Format.CSV);
    assertThat(RowSource.detect(Path.of("a.tsv.gz"))).isEqualTo(RowSource.Format.TSV);
    assertThat(RowSource.detect(Path.of("a.ndjson"))).isEqualTo(RowSource.Format.JSONL);
    assertThat(RowSource.detect(Path.of("a.parq"))).isEqualTo(RowSource.Format.PARQUET);
    assertThatThrownBy(() -> RowSource.detect(Path.of("a.txt"))).isInstanceOf(CliException.class)
        .hasMessageContaining("--format");
    assertThatThrownBy(() -> RowSource.detect(Path.of("csv"))).isInstanceOf(CliException.class);
  }

  @Test
  void missingFileOrDirectoryIsAnInputError() {
    assertThatThrownBy(() -> read(dir.resolve("nope.csv"))).isInstanceOf(CliException.class)
        .hasMessageContaining("does not exist");
    Path d = dir.resolve("d.csv");
    assertThatThrownBy(() -> {
      Files.createDirectory(d);
      read(d);
    }).isInstanceOf(CliException.class).hasMessageContaining("not a file");
  }

  @Test
  void csvWithBomCrlfQuotesBlankLinesAndReorderedColumns() throws Exception {
    Path p = file("a.csv", "\uFEFFname,id\r\n\"a, \"\"quoted\"\"\nline\",1\r\n\r\n,2\r\n\"\",3\n");
    assertThat(read(p)).containsExactly(
        Map.of("id", 1L, "name", "a, \"quoted\"\nline"),
        row(2L, null),
        Map.of("id", 3L, "name", ""));
  }

  private static Map<String, Object> row(long id, String name) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put("id", id);
    m.put("name", name);
    return m;
  }

  @Test
  void emptyAndHeaderOnlyCsvHoldNoRows() throws Exception {
    assertThat(read(file("e.csv", ""))).isEmpty();
    assertThat(read(file("h.csv", "id,name\n"))).isEmpty();
  }

  @Test
  void brokenCsvIsRejectedNamingFileLineAndColumn() throws Exception {
    assertRejected(file("u.csv", "id,name\n1,\"open\n"), "line 2", "unterminated");
    assertRejected(file("x.csv", "id,name\n1,a,extra\n"), "line 2", "3 fields");
    assertRejected(file("f.csv", "id,name\n1\n"), "line 2", "1 fields");
    assertRejected(file("c.csv", "id,nmae\n1,a\n"), "header", "'nmae' is not in the table");
    assertRejected(file("r.csv", "name\na\n"), "header", "required column 'id' is missing");
    assertRejected(file("t.csv", "id,name\nabc,a\n"), "line 2", "column 'id'");
    assertRejected(file("n.csv", "id,name\n,a\n"), "line 2", "column 'id'", "required");
    assertRejected(file("o.csv", "id,name\n99999999999999999999,a\n"), "line 2", "column 'id'");
    assertRejected(file("q.csv", "id,name\n1,\"a\"b\n"), "line 2", "after a closing quote");
  }

  @Test
  void aColumnNamedTwiceInTheHeaderIsRejectedNotSilentlyOverwritten() throws Exception {
    assertRejected(file("d.csv", "id,name,id\n1,a,2\n"), "header", "'id'", "more than once");
  }

  @Test
  void jsonLinesWithBlankLinesNullsAndUnicode() throws Exception {
    Path p = file("a.jsonl", "{\"id\": 1, \"name\": \"日本 ✓\"}\n\n   \n{\"id\": 2, \"name\": null}\n{\"id\": 3}\n");
    assertThat(read(p)).containsExactly(Map.of("id", 1L, "name", "日本 ✓"), row(2L, null),
        Map.of("id", 3L));
  }

  @Test
  void brokenJsonLinesAreRejectedNamingFileLineAndColumn() throws Exception {
    assertRejected(file("a.jsonl", "{\"id\": 1}\n{\"id\": \n"), "line 2", "not valid JSON");
    assertRejected(file("b.jsonl", "[1, 2]\n"), "line 1", "one JSON object per line");
    assertRejected(file("c.jsonl", "42\n"), "line 1", "one JSON object per line");
    assertRejected(file("d.jsonl", "{\"id\": 1, \"nmae\": \"x\"}\n"), "line 1", "'nmae' is not in the table");
    assertRejected(file("e.jsonl", "{\"name\": \"x\"}\n"), "line 1", "column 'id'", "required");
    assertRejected(file("f.jsonl", "{\"id\": \"abc\"}\n"), "line 1", "column 'id'");
    assertRejected(file("g.jsonl", "{\"id\": 1.5}\n"), "line 1", "column 'id'");
    assertRejected(file("h.jsonl", "{\"id\": NaN}\n"), "line 1", "column 'id'");
  }

  @Test
  void twoObjectsOnOneLineAreRejectedNotHalfRead() throws Exception {
    assertRejected(file("two.jsonl", "{\"id\": 1} {\"id\": 2}\n"), "line 1", "not valid JSON");
  }

  @Test
  void aKeyGivenTwiceInOneObjectIsRejected() throws Exception {
    assertRejected(file("dup.jsonl", "{\"id\": 1, \"id\": 2}\n"), "line 1", "not valid JSON");
  }

  @Test
  void jsonLinesMayStartWithAByteOrderMark() throws Exception {
    assertThat(read(file("bom.jsonl", "\uFEFF{\"id\": 1}\n"))).containsExactly(Map.of("id", 1L));
  }
}
