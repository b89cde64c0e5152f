package io.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An appender closed without commit() discards its rows, deletes its files, and says so. */
class AppenderCloseTest {
  @TempDir
  Path dir;

  @Test
  void closingWithoutCommitWarnsAndLeavesNothing() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    try (Warehouse wh = Warehouse.local(dir)) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(List.of(TestSchemas.event(1, "a", null)));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try (Appender a = t.newAppend()) {
        a.add(TestSchemas.event(2, "forgotten", null));
        a.add(TestSchemas.event(3, "forgotten", null));
      } finally {
        System.setErr(original);
      }
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("WARN", "appender closed without commit(): its 2 record(s) were discarded");
      assertThat(wh.loadTable("t").rowCount()).isEqualTo(1);
      try (Stream<Path> files = Files.list(dir.resolve("t/data"))) {
        assertThat(files.count()).as("only the committed data file").isEqualTo(1);
      }
      // An appender that never received a record closes silently.
      err.reset();
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try (Appender a = t.newAppend()) {
        assertThat(a.recordCount()).isZero();
      } finally {
        System.setErr(original);
      }
      assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("without commit");
    }
  }
}
