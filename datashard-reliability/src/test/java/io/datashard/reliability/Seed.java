package io.datashard.reliability;

/**
 * The seed of a randomized reliability test, so that a failure can be reproduced: read from the
 * {@code reliability.seed} system property (or taken from the clock), printed before the test runs, and
 * prefixed to the message of every failure the test body throws.
 */
final class Seed {
  static final String PROPERTY = "reliability.seed";

  /** A body that may throw anything; failures are rethrown carrying the seed. */
  interface Body {
    void run(long seed) throws Exception;
  }

  private Seed() {
  }

  /** Picks the seed, prints it first, then runs {@code body} so that every failure names the seed. */
  static void run(String test, Body body) throws Exception {
    long seed = Long.getLong(PROPERTY, System.nanoTime());
    System.out.printf("%s: seed %d (reproduce with -D%s=%d)%n", test, seed, PROPERTY, seed);
    try {
      body.run(seed);
    } catch (AssertionError e) {
      AssertionError withSeed = new AssertionError(tag(seed) + e.getMessage(), e);
      throw withSeed;
    } catch (Exception e) {
      throw new AssertionError(tag(seed) + e, e);
    }
  }

  /** The prefix every failure message carries. */
  static String tag(long seed) {
    return "[-D" + PROPERTY + "=" + seed + "] ";
  }
}
