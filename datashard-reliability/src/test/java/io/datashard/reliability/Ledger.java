package io.datashard.reliability;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the writers reported: acknowledged, failed and begun appends, by key {@code worker * 1_000_000 + seq}. */
final class Ledger {
  final Set<Long> begun = new HashSet<>();
  final Map<Long, Long> ackedSnapshotByAppend = new HashMap<>();
  /** Failures that promise absence. */
  final Map<Long, String> failed = new HashMap<>();
  /** Failures whose outcome the store left unknown (the append may be present). */
  final Map<Long, String> unknown = new HashMap<>();
  final List<Long> ackMillis = new java.util.ArrayList<>();

  static long key(int worker, int seq) {
    return worker * 1_000_000L + seq;
  }

  synchronized void record(String line) {
    String[] p = line.split(" ", 5);
    switch (p[0]) {
      case "BEGIN" -> begun.add(key(Integer.parseInt(p[1]), Integer.parseInt(p[2])));
      case "ACK" -> {
        ackedSnapshotByAppend.put(key(Integer.parseInt(p[1]), Integer.parseInt(p[2])), Long.parseLong(p[3]));
        if (p.length > 4) {
          ackMillis.add(Long.parseLong(p[4].trim()));
        }
      }
      case "FAIL" -> {
        long k = key(Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        String what = p[3] + (p.length > 4 ? " " + p[4] : "");
        if (p[3].endsWith("CommitOutcomeUnknownException")) {
          unknown.put(k, what);
        } else {
          failed.put(k, what);
        }
      }
      default -> {
      }
    }
  }

  synchronized void recordAll(List<String> lines) {
    lines.forEach(this::record);
  }
}
