package io.datashard.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long operation: a terminal progress bar (me.tongfei:progressbar) on stderr, or nothing when
 * output is not a terminal ({@link #NONE}), so scripts and logs never see control characters.
 */
interface Progress extends AutoCloseable {
  /** Reports nothing. */
  Progress NONE = new Progress() {
    @Override
    public void stepBy(long n) {
    }

    @Override
    public void maxHint(long max) {
    }

    @Override
    public void message(String text) {
    }

    @Override
    public void close() {
    }
  };

  /** @param n units done since the last call */
  void stepBy(long n);

  /** @param max the total, or -1 when unknown (an indefinite bar) */
  void maxHint(long max);

  /** @param text a short status shown beside the bar */
  void message(String text);

  @Override
  void close();

  /**
   * @param task the label
   * @param max the total, or -1 when unknown
   * @param unit "B" for bytes (shown as KiB/MiB), anything else is a plain count unit
   * @param stream where the bar is drawn (stderr: stdout stays clean for data)
   * @return a bar
   */
  static Progress bar(String task, long max, String unit, PrintStream stream) {
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(stream))
        .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
        .showSpeed(new java.text.DecimalFormat("0.0", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)))
        .setMaxRenderedLength(100);
    if ("B".equals(unit)) {
      b.setUnit(" MiB", 1L << 20);
    } else if (unit != null && !unit.isEmpty()) {
      b.setUnit(" " + unit, 1);
    }
    ProgressBar bar = b.build();
    return new Progress() {
      @Override
      public void stepBy(long n) {
        bar.stepBy(n);
      }

      @Override
      public void maxHint(long m) {
        bar.maxHint(m);
      }

      @Override
      public void message(String text) {
        bar.setExtraMessage(text);
      }

      @Override
      public void close() {
        if (bar.getMax() > 0) {
          bar.stepTo(Math.max(bar.getCurrent(), bar.getMax()));
        }
        bar.close();
      }
    };
  }

}
