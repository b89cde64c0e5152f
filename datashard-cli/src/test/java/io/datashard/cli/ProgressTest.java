package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar's speed has its leading zero ("0.0 MiB/s", not ".0 MiB/s"). */
class ProgressTest {
  @Test
  void speedIsPrintedWithALeadingZero() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
         Progress p = Progress.bar("append x.csv", 10L << 20, "B", stream)) {
      for (int i = 0; i < 6; i++) {
        p.stepBy(100 << 10); // 0.4 MiB/s: a speed under 1 is where the zero went missing
        Thread.sleep(250); // the bar refreshes every 200 ms and shows a speed once time has passed
      }
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).containsPattern("\\d\\.\\d MiB/s").doesNotContainPattern("[^0-9]\\.\\d MiB/s");
  }
}
