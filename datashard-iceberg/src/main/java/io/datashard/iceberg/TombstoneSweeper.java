package io.datashard.iceberg;

import io.datashard.TableProperties;
import io.datashard.commit.VersionFiles;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a table's old version tombstones after commits through the catalog, as the library's upkeep does, so that
 * a table written only by Iceberg engines or through the REST server keeps a bounded number of names in
 * {@code metadata/} too: when the table sets {@link TableProperties#UPKEEP_REMOVE_TOMBSTONES_AFTER_MS}, at most once
 * per quarter of that age per table, on the catalog's background threads, for at most two seconds per pass. The
 * rules that make removal safe are {@link VersionFiles#removeTombstones}'s (docs/concurrency.md, "Removing old
 * tombstones").
 */
final class TombstoneSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(TombstoneSweeper.class);
  private static final long PASS_BUDGET_MS = 2_000;

  private final Executor background;
  /** Per table location: when its last pass started (wall clock). */
  private final Map<String, Long> lastPass = new ConcurrentHashMap<>();

  /** @param background where passes run */
  TombstoneSweeper(Executor background) {
    this.background = background;
  }

  /**
   * Called after a commit of the table: starts a pass when one is due.
   *
   * @param versions the table's version files
   * @param properties the committed table's properties
   */
  void committed(VersionFiles versions, Map<String, String> properties) {
    long age = TableProperties.longValue(properties, TableProperties.UPKEEP_REMOVE_TOMBSTONES_AFTER_MS, 0);
    if (age <= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    boolean[] due = {false};
    lastPass.compute(versions.tableLocation(), (k, last) -> {
      if (last == null || now - last >= age / 4) {
        due[0] = true;
        return now;
      }
      return last;
    });
    if (!due[0]) {
      return;
    }
    try {
      background.execute(() -> {
        try {
          versions.removeTombstones(Duration.ofMillis(age), System.currentTimeMillis() + PASS_BUDGET_MS);
        } catch (RuntimeException e) {
          LOG.warn("table {}: removing old version tombstones failed ({}); the next pass tries again",
              versions.tableName(), e.getMessage());
        }
      });
    } catch (RejectedExecutionException closing) {
      // the catalog is closing: the next writer's pass removes them
    }
  }
}
