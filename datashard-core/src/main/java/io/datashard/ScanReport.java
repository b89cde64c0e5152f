package io.datashard;

/**
 * What one execution of a scan did, so a user can see why a query is fast or slow. Immutable.
 *
 * <pre>{@code
 * TableScan scan = table.scan().filter(equal("event", "login"));
 * List<Row> rows = scan.toList();
 * System.out.println(scan.report());
 * // snapshot 42: filter event = 'login'; manifests 3 (skipped 0); data files 100: pruned 99, read 1;
 * //   row groups 4, skipped 3; 1,204,331 bytes read; 52,100 rows read, 1,020 returned; planning 12 ms, total 80 ms
 * }</pre>
 *
 * @param snapshotId the snapshot scanned (-1 for an empty table)
 * @param filter the bound filter, as text ({@code true} when there is none)
 * @param manifestsConsidered data manifests with live files in the snapshot
 * @param manifestsSkipped manifests skipped by their partition summaries
 * @param filesConsidered live data files in the manifests read
 * @param filesPruned data files skipped by partition values or column statistics, never opened
 * @param filesRead data files opened
 * @param rowGroupsConsidered row groups in the files read
 * @param rowGroupsSkipped row groups skipped by their statistics, never read
 * @param bytesRead bytes of data files read, footers included (from storage, or from a read cache such as the S3
 *     backend's {@link io.datashard.storage.RangeCache})
 * @param rowsRead rows decoded from data files
 * @param rowsReturned rows returned (or counted) after filtering
 * @param recordsCountedFromMetadata rows counted from manifest statistics without reading data files
 * @param planningMillis time spent reading manifests and pruning files
 * @param totalMillis time from the start of planning until the rows were consumed or the iterator closed
 * @param complete whether the execution finished (false while iterating, or when closed early)
 * @param deleteFiles live delete files (position and equality deletes written by another engine) in the snapshot
 * @param rowsDeleted rows read but not returned because a delete file deletes them
 */
public record ScanReport(long snapshotId, String filter, long manifestsConsidered, long manifestsSkipped,
                         long filesConsidered, long filesPruned, long filesRead, long rowGroupsConsidered,
                         long rowGroupsSkipped, long bytesRead, long rowsRead, long rowsReturned,
                         long recordsCountedFromMetadata, long planningMillis, long totalMillis, boolean complete,
                         long deleteFiles, long rowsDeleted) {

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "snapshot %d: filter %s; manifests %d (skipped %d); data files %d: pruned %d, read %d; row groups %d, "
            + "skipped %d; %,d bytes read; %,d rows read, %,d returned%s%s; planning %d ms, total %d ms%s",
        snapshotId, filter, manifestsConsidered, manifestsSkipped, filesConsidered, filesPruned, filesRead,
        rowGroupsConsidered, rowGroupsSkipped, bytesRead, rowsRead, rowsReturned,
        recordsCountedFromMetadata > 0 ? String.format(java.util.Locale.ROOT, " (%,d counted from metadata)",
            recordsCountedFromMetadata) : "",
        deleteFiles > 0 ? String.format(java.util.Locale.ROOT, "; %d delete files, %,d rows deleted", deleteFiles,
            rowsDeleted) : "",
        planningMillis, totalMillis, complete ? "" : " (incomplete)");
  }
}
