package io.datashard.server;

import java.util.concurrent.atomic.AtomicLong;

/** A few counters, served as text at {@code GET /metrics} (Prometheus text format). */
public final class ServerMetrics {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong responses2xx = new AtomicLong();
  final AtomicLong responses4xx = new AtomicLong();
  final AtomicLong responses5xx = new AtomicLong();
  final AtomicLong authFailures = new AtomicLong();
  final AtomicLong commits = new AtomicLong();
  final AtomicLong commitConflicts = new AtomicLong();
  final AtomicLong commitUnknown = new AtomicLong();
  final AtomicLong versionsPublished = new AtomicLong();
  final AtomicLong appendsMoved = new AtomicLong();
  final AtomicLong uncheckedRetries = new AtomicLong();

  void response(int status) {
    requests.incrementAndGet();
    if (status >= 500) {
      responses5xx.incrementAndGet();
    } else if (status >= 400) {
      responses4xx.incrementAndGet();
    } else {
      responses2xx.incrementAndGet();
    }
  }

  /** @return commits acknowledged so far */
  public long commits() {
    return commits.get();
  }

  /** @return commits answered 409 (requirements no longer held, or retries exhausted) */
  public long commitConflicts() {
    return commitConflicts.get();
  }

  /**
   * @return versions the server's group commit published: with many clients appending to one table at once, far
   *     fewer than {@link #commits()} (docs/concurrency.md, "Group commit in the REST server")
   */
  public long versionsPublished() {
    return versionsPublished.get();
  }

  /** @return appends the group commit moved onto a newer head of their branch instead of answering 409 */
  public long appendsMoved() {
    return appendsMoved.get();
  }

  /**
   * @return groups of commits applied again because a requirement failed on a cached version used without a check
   *     and the table had moved on (docs/catalog.md, "Commits")
   */
  public long uncheckedRetries() {
    return uncheckedRetries.get();
  }

  /** @return the counters in Prometheus' text format */
  public String text() {
    StringBuilder sb = new StringBuilder();
    counter(sb, "datashard_server_requests_total", "Requests answered", requests.get());
    sb.append("# TYPE datashard_server_responses_total counter\n");
    sb.append("datashard_server_responses_total{class=\"2xx\"} ").append(responses2xx.get()).append('\n');
    sb.append("datashard_server_responses_total{class=\"4xx\"} ").append(responses4xx.get()).append('\n');
    sb.append("datashard_server_responses_total{class=\"5xx\"} ").append(responses5xx.get()).append('\n');
    counter(sb, "datashard_server_auth_failures_total", "Requests refused 401", authFailures.get());
    counter(sb, "datashard_server_commits_total", "Table commits acknowledged", commits.get());
    counter(sb, "datashard_server_commit_conflicts_total", "Table commits answered 409", commitConflicts.get());
    counter(sb, "datashard_server_commit_unknown_total", "Table commits whose outcome was unknown",
        commitUnknown.get());
    counter(sb, "datashard_server_versions_published_total", "Table versions published by group commits",
        versionsPublished.get());
    counter(sb, "datashard_server_appends_moved_total", "Appends moved onto a newer head instead of a 409",
        appendsMoved.get());
    counter(sb, "datashard_server_unchecked_retries_total", "Commit groups applied again after a requirement failed on"
        + " a cached version used unchecked", uncheckedRetries.get());
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    sb.append(name).append(' ').append(value).append('\n');
  }
}
