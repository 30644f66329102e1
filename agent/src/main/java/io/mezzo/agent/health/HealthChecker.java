package io.mezzo.agent.health;

import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.HealthCheck;
import io.vertx.core.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task's {@link HealthCheck} as the Mesos health checker does: the first check
 * {@code delay_seconds} after {@link #start}, then one every {@code interval_seconds} after the
 * previous one ended, each limited to {@code timeout_seconds}. Failures within
 * {@code grace_period_seconds} of the start are ignored until the first success. The listener
 * hears when the health value changes, and once {@code consecutive_failures} checks in a row
 * have failed. Owned by one Vert.x context: the listener is called there, and {@link #stop}
 * must be called there; checks run off the loop.
 */
public final class HealthChecker {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  /** Told, on the checker's context, what the checks found. */
  public interface Listener {
    /** The health value changed (the first result counts as a change). */
    void healthChanged(boolean healthy, String why);

    /** {@code consecutive_failures} checks in a row failed; the task should be killed. */
    void failedTooOften(int failures, String why);
  }

  private final Context context;
  private final Timers timers;
  private final Clock clock;
  private final String taskId;
  private final HealthCheck check;
  private final Path sandbox;
  private final Map<String, String> environment;
  private final Listener listener;
  private Instant startedAt;
  private Boolean healthy;
  private boolean succeededOnce;
  private int consecutiveFailures;
  private Timers.Timer next;
  private boolean stopped;

  HealthChecker(Context context, Timers timers, Clock clock, String taskId, HealthCheck check, Path sandbox,
      Map<String, String> environment, Listener listener) {
    this.context = Objects.requireNonNull(context, "context");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.check = Objects.requireNonNull(check, "check");
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.environment = Map.copyOf(environment);
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Arms the first check; runs once. */
  public void start() {
    if (startedAt != null) {
      throw new IllegalStateException("already started");
    }
    startedAt = clock.instant();
    log.info("[task={}] {} health check in {} s, then every {} s", taskId, check.getType(),
        check.getDelaySeconds(), check.getIntervalSeconds());
    schedule(seconds(check.getDelaySeconds()));
  }

  /** No further check runs and the listener hears nothing more; idempotent. */
  public void stop() {
    stopped = true;
    if (next != null) {
      next.cancel();
      next = null;
    }
  }

  private void schedule(Duration delay) {
    if (stopped) {
      return;
    }
    next = timers.schedule(delay, () -> context.runOnContext(v -> runCheck()));
  }

  private void runCheck() {
    next = null;
    if (stopped) {
      return;
    }
    Duration timeout = check.getTimeoutSeconds() > 0 ? seconds(check.getTimeoutSeconds()) : Duration.ofSeconds(20);
    context.executeBlocking(() -> HealthProbe.run(check, sandbox, environment, timeout), false)
        .onComplete(result -> {
          if (stopped) {
            return;
          }
          String failure = result.succeeded() ? result.result() : String.valueOf(result.cause());
          if (failure == null) {
            success();
          } else {
            failure(failure);
          }
          schedule(seconds(check.getIntervalSeconds()));
        });
  }

  private void success() {
    succeededOnce = true;
    consecutiveFailures = 0;
    if (!Boolean.TRUE.equals(healthy)) {
      healthy = true;
      listener.healthChanged(true, "health check passed");
    }
  }

  private void failure(String why) {
    Duration sinceStart = Duration.between(startedAt, clock.instant());
    if (!succeededOnce && sinceStart.compareTo(seconds(check.getGracePeriodSeconds())) < 0) {
      log.info("[task={}] ignoring a failed health check in the grace period: {}", taskId, why);
      return;
    }
    consecutiveFailures++;
    log.info("[task={}] health check failed ({} in a row): {}", taskId, consecutiveFailures, why);
    if (!Boolean.FALSE.equals(healthy)) {
      healthy = false;
      listener.healthChanged(false, why);
    }
    if (!stopped && consecutiveFailures >= Math.max(1, check.getConsecutiveFailures())) {
      listener.failedTooOften(consecutiveFailures, why);
    }
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos((long) (Math.max(0, seconds) * 1_000_000_000L));
  }
}
