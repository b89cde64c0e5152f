package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change feed from the command line. */
class ChangesCliTest {
  @TempDir
  Path dir;

  @Test
  void changesListsInsertsAndDeletesWithSparkColumnsAndRejectsBadRanges() throws Exception {
    Cli cli = new Cli(dir.resolve("wh"));
    cli.ok("create", "events", "id long not null, event string");
    cli.ok("append", "events", Cli.file(dir, "a.csv", "id,event\n1,a\n").toString());
    cli.ok("append", "events", Cli.file(dir, "b.csv", "id,event\n2,b\n").toString());
    cli.ok("compact", "events");
    String csv = cli.ok("changes", "events", "-f", "csv").out();
    assertThat(csv).startsWith("id,event,_change_type,_change_ordinal,_commit_snapshot_id\r\n")
        .contains("1,a,INSERT,0,", "2,b,INSERT,1,");
    assertThat(csv.split("\r\n")).hasSize(3); // compaction: no changes
    assertThat(cli.ok("changes", "events", "-f", "jsonl").out()).contains("\"_change_type\":\"INSERT\"");
    Cli.Result bad = cli.run("changes", "events", "--from", "42");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("42", "does not exist");
  }
}
