package io.datashard.scan;

import io.datashard.ScanReport;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe counters of one scan execution, turned into a {@link ScanReport}. */
final class ScanMetrics {
  final long snapshotId;
  final String filter;
  final long startNanos = System.nanoTime();
  final AtomicLong manifestsConsidered = new AtomicLong();
  final AtomicLong manifestsSkipped = new AtomicLong();
  final AtomicLong filesConsidered = new AtomicLong();
  final AtomicLong filesPruned = new AtomicLong();
  final AtomicLong filesRead = new AtomicLong();
  final AtomicLong rowGroupsConsidered = new AtomicLong();
  final AtomicLong rowGroupsSkipped = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();
  final AtomicLong rowsRead = new AtomicLong();
  final AtomicLong rowsReturned = new AtomicLong();
  final AtomicLong countedFromMetadata = new AtomicLong();
  final AtomicLong deleteFiles = new AtomicLong();
  final AtomicLong rowsDeleted = new AtomicLong();
  volatile long planningNanos = -1;
  volatile long endNanos = -1;

  ScanMetrics(long snapshotId, String filter) {
    this.snapshotId = snapshotId;
    this.filter = filter;
  }

  void planned() {
    planningNanos = System.nanoTime() - startNanos;
  }

  void finished() {
    if (endNanos < 0) {
      endNanos = System.nanoTime();
    }
  }

  ScanReport report() {
    long end = endNanos < 0 ? System.nanoTime() : endNanos;
    return new ScanReport(snapshotId, filter, manifestsConsidered.get(), manifestsSkipped.get(),
        filesConsidered.get(), filesPruned.get(), filesRead.get(), rowGroupsConsidered.get(),
        rowGroupsSkipped.get(), bytesRead.get(), rowsRead.get(), rowsReturned.get(), countedFromMetadata.get(),
        Math.max(0, planningNanos) / 1_000_000, (end - startNanos) / 1_000_000, endNanos >= 0, deleteFiles.get(),
        rowsDeleted.get());
  }
}
