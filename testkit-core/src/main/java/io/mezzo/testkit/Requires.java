package io.mezzo.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a Docker engine, runc, root, a writable cgroup). Locally a
 * test whose need is not met is skipped with the reason; in CI ({@code CI=true}) it fails
 * instead, because a green run with the Docker, OCI or cgroup tests skipped proves nothing and
 * {@code .ci/run} installs what they need.
 */
public final class Requires {
  private Requires() {}

  /** Skips (locally) or fails (in CI) the test unless {@code met}. */
  public static void that(boolean met, String need) {
    if (!met) {
      missing(need);
    }
  }

  public static void that(boolean met, Supplier<String> need) {
    if (!met) {
      missing(need.get());
    }
  }

  /** The need is not met: skips locally, fails in CI. */
  public static void missing(String need) {
    if (inCi()) {
      throw new AssertionError("CI=true and this test's need is not met: " + need);
    }
    Assumptions.abort(need);
  }

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }
}
