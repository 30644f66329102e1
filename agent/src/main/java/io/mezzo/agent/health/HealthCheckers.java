package io.mezzo.agent.health;

import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.HealthCheck;
import io.vertx.core.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/** Makes {@link HealthChecker}s that wait on the given timers and clock (so tests can move time). */
public final class HealthCheckers {
  private final Timers timers;
  private final Clock clock;

  public HealthCheckers(Timers timers, Clock clock) {
    this.timers = Objects.requireNonNull(timers, "timers");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether the agent can run this check (COMMAND, HTTP or TCP with what each needs). */
  public static String problem(HealthCheck check) {
    return switch (check.getType()) {
      case COMMAND -> check.hasCommand() && !check.getCommand().getValue().isBlank() ? null : "a COMMAND health check needs a command";
      case HTTP -> check.hasHttp() ? null : "an HTTP health check needs http.port";
      case TCP -> check.hasTcp() ? null : "a TCP health check needs tcp.port";
      default -> "health check type " + check.getType() + " is not supported (COMMAND, HTTP or TCP)";
    };
  }

  /** A checker owned by {@code context}; not started. */
  public HealthChecker create(Context context, String taskId, HealthCheck check, Path sandbox,
      Map<String, String> environment, HealthChecker.Listener listener) {
    return new HealthChecker(context, timers, clock, taskId, check, sandbox, environment, listener);
  }
}
