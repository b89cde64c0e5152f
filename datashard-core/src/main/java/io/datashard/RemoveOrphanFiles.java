package io.datashard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deletes the files under a table's location that no committed version references and that are older than a
 * grace period: data files, manifests, manifest lists and temporary files left behind by writers that crashed
 * or failed. Built by {@link Table#removeOrphanFiles()}:
 *
 * <pre>{@code
 * RemoveOrphanFiles.Result r = table.removeOrphanFiles()
 *     .olderThan(Duration.ofDays(3))   // the default
 *     .dryRun(true)                     // list only
 *     .execute();
 * r.orphanFiles().forEach(System.out::println);
 * }</pre>
 *
 * <p><b>Referenced</b> (never deleted): every {@code vN.metadata.json} (every {@code *.metadata.json} in
 * {@code metadata/}, so the version files a REST catalog names its own way are kept too) and {@code version-hint.text}; the manifest
 * list of every snapshot in the current metadata (the snapshots of every branch and tag included); every
 * manifest in those lists; every data file in those manifests (live or deleted entries); every statistics and
 * partition-statistics file the metadata lists. Everything else below the table location is an orphan candidate.
 *
 * <p><b>Safety.</b>
 * <ul>
 *   <li>The grace period protects writers in flight: a slow writer's data files and manifests are unreferenced
 *       until its commit lands. The default, {@link #DEFAULT_GRACE} (3 days, as in Apache Iceberg), is far longer
 *       than any commit; shorten it only when no writer can be running.
 *   <li>Right before deleting, the table is refreshed and the files of versions committed meanwhile are
 *       removed from the candidates.
 *   <li>Only files strictly below {@code <table location>/} are considered: a table {@code events2} next to
 *       {@code events} is never touched. Symbolic links are neither followed nor deleted.
 *   <li>Any failure to read the metadata aborts the run before anything is deleted. A referenced file that is
 *       listed under another spelling of its location (for example a different scheme) aborts it as well.
 * </ul>
 *
 * <p>Not thread-safe; create one per run.
 */
public interface RemoveOrphanFiles {
  /** The default grace period: files younger than this are never deleted. */
  Duration DEFAULT_GRACE = Duration.ofDays(3);

  /**
   * Only files last modified more than {@code age} ago are deleted.
   *
   * @param age the grace period, zero or positive
   * @return this
   * @throws ValidationException when {@code age} is negative
   */
  RemoveOrphanFiles olderThan(Duration age);

  /**
   * Only files last modified before {@code time} are deleted.
   *
   * @param time the cut-off
   * @return this
   */
  RemoveOrphanFiles olderThan(Instant time);

  /**
   * @param dryRun when true, list what would be deleted and delete nothing
   * @return this
   */
  RemoveOrphanFiles dryRun(boolean dryRun);

  /**
   * Finds the orphan files and (unless a dry run) deletes them.
   *
   * @return what was (or would be) deleted
   * @throws DataShardException when the metadata cannot be read completely; nothing is deleted then
   */
  Result execute();

  /**
   * What a run found.
   *
   * @param orphanFiles the files deleted, or that would be deleted in a dry run
   * @param orphanBytes their total size
   * @param dryRun whether nothing was deleted
   * @param filesListed files found below the table location
   * @param unreferencedTooNew unreferenced files spared because they are newer than the grace period
   */
  record Result(List<String> orphanFiles, long orphanBytes, boolean dryRun, int filesListed,
                int unreferencedTooNew) {
  }
}
