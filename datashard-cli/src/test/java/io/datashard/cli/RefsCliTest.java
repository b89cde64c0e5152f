package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branches, tags, write-audit-publish and the sort order from the command line. */
class RefsCliTest {
  @TempDir
  Path dir;

  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("wh"));
  }

  @Test
  void writeAuditPublish() throws Exception {
    cli.ok("create", "events", "id long not null, event string");
    assertThat(cli.ok("append", "events", Cli.file(dir, "a.csv", "id,event\n1,a\n").toString()).out())
        .contains("Appended 1 row from 1 file in 1 commit", "table now has 1 row").doesNotContain("1 rows");
    assertThat(cli.ok("branch", "events", "audit", "--min-snapshots", "3").out())
        .contains("Branch audit -> snapshot", "keep 3");
    cli.ok("append", "events", Cli.file(dir, "b.csv", "id,event\n2,b\n").toString(), "--branch", "audit");
    assertThat(cli.ok("scan", "events", "-f", "csv").out()).isEqualTo("id,event\r\n1,a\r\n");
    assertThat(cli.ok("scan", "events", "--ref", "audit", "-f", "csv").out()).isEqualTo("id,event\r\n1,a\r\n2,b\r\n");
    cli.ok("fast-forward", "events", "main", "--to", "audit");
    assertThat(cli.ok("scan", "events", "-f", "csv").out()).isEqualTo("id,event\r\n1,a\r\n2,b\r\n");

    cli.ok("tag", "events", "v1", "--max-ref-age", "90d");
    Cli.Result refs = cli.ok("refs", "events");
    assertThat(refs.out()).contains("main", "audit", "branch", "keep 3", "v1", "tag", "ref<PT2160H");
    cli.ok("drop-ref", "events", "v1");
    assertThat(cli.ok("refs", "events").out()).doesNotContain("v1");

    Cli.Result bad = cli.run("scan", "events", "--ref", "nope");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("no branch or tag 'nope'");
    Cli.Result tagAppend = cli.run("tag", "events", "audit");
    assertThat(tagAppend.code()).isNotZero();
    assertThat(tagAppend.err()).contains("'audit' already exists");
  }

  @Test
  void sortOrderIsShownSetAndUsedByCompaction() throws Exception {
    cli.ok("create", "events", "id long not null, event string");
    for (int i = 0; i < 3; i++) {
      cli.ok("append", "events", Cli.file(dir, "p" + i + ".csv", "id,event\n" + i + ",x\n" + (i + 10) + ",y\n").toString());
    }
    assertThat(cli.ok("sort-order", "events").out()).isEqualTo("unsorted\n");
    assertThat(cli.ok("sort-order", "events", "event desc, id asc nulls last").out())
        .isEqualTo("event desc nulls last, id asc nulls last (order id 1)\n");
    cli.ok("compact", "events");
    assertThat(cli.ok("scan", "events", "-f", "csv", "--select", "id").out())
        .isEqualTo("id\r\n10\r\n11\r\n12\r\n0\r\n1\r\n2\r\n");
    Cli.Result bad = cli.run("sort-order", "events", "id sideways");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("expected 'column [asc|desc] [nulls first|nulls last]'");
  }
}
