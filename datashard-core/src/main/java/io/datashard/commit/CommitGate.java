package io.datashard.commit;

import java.util.function.Supplier;

/**
 * Serialises one kind of commit with the other commits a JVM makes to the same table.
 *
 * <p>Within one JVM, appends to a table go through a group commit that publishes a version every few milliseconds
 * under load. A maintenance commit that rebuilds a large metadata file (snapshot expiry after thousands of small
 * appends) takes longer than that between two group commits, so it would lose every race for the next version to
 * the JVM's own appends until its retries ran out. Run through the gate, it holds the table's commit slot for the
 * duration of its commit loop: appends that arrive meanwhile wait and are committed together right after it.
 * Commits from other JVMs are not affected (they race as always).
 */
public interface CommitGate {
  /** A gate that runs the work at once: for tables without a group commit. */
  CommitGate NONE = new CommitGate() {
    @Override
    public <T> T exclusively(Supplier<T> work) {
      return work.get();
    }
  };

  /**
   * Runs {@code work} while no other commit of the table goes through this JVM's group commit.
   *
   * @param work the commit (refresh, rebuild, exclusive create, retried as the operation retries)
   * @param <T> what it returns
   * @return its result
   */
  <T> T exclusively(Supplier<T> work);
}
