package io.mezzo.agent.runtime;

import io.mezzo.agent.support.Timers;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill policy every runtime applies: SIGTERM now, and SIGKILL when the container still runs
 * after the grace period. The grace period is waited for on injected {@link Timers}, so tests move
 * time instead of waiting; signals are sent through {@link BlockingCalls}, never on the event loop.
 */
public final class GracefulKill<C extends RunningContainer> {
  private static final Logger log = LoggerFactory.getLogger(GracefulKill.class);

  /** How a runtime signals one of its containers. */
  @FunctionalInterface
  public interface Signaller<C> {
    /**
     * Sends {@code signal}, {@code "TERM"} or {@code "KILL"}, to the container. Blocks; runs on
     * the runtime's blocking threads. A container that is already gone is no error: log and return.
     */
    void signal(C container, String signal);
  }

  private final Timers timers;
  private final BlockingCalls blocking;
  private final Signaller<? super C> signaller;

  public GracefulKill(Timers timers, BlockingCalls blocking, Signaller<? super C> signaller) {
    this.timers = Objects.requireNonNull(timers, "timers");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.signaller = Objects.requireNonNull(signaller, "signaller");
  }

  /**
   * Marks {@code container} killed and sends it SIGTERM, then SIGKILL after {@code gracePeriod}
   * unless it has ended (or is no longer {@linkplain RunningContainer#alive() alive}) by then.
   * Idempotent: a container already being killed, one that has ended, or null, gets nothing more.
   * The future completes once SIGTERM has been sent.
   */
  public Future<Void> kill(C container, Duration gracePeriod) {
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    if (container == null || container.ended() || !container.markKilled()) {
      return Future.succeededFuture();
    }
    return blocking.<Void>call(() -> {
          log.info("[container={}] sending SIGTERM; SIGKILL follows in {}", container.containerId(), gracePeriod);
          signaller.signal(container, "TERM");
          return null;
        })
        .onComplete(ignored ->
            container.escalateWith(timers.schedule(gracePeriod, () -> escalate(container, gracePeriod))));
  }

  private void escalate(C container, Duration gracePeriod) {
    blocking.<Void>call(() -> {
      if (!container.ended() && container.alive()) {
        log.info("[container={}] still running {} after SIGTERM; sending SIGKILL", container.containerId(), gracePeriod);
        signaller.signal(container, "KILL");
      }
      return null;
    }).onFailure(e -> log.warn("[container={}] SIGKILL failed: {}", container.containerId(), e.toString()));
  }
}
