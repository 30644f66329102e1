package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.spi.Termination;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The kill policy on manual time, with blocking calls run inline on the test's thread. */
class GracefulKillTest {
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final ManualTimers timers = new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z")));
  private final List<String> signals = new CopyOnWriteArrayList<>();
  private final GracefulKill<Box> kills = new GracefulKill<>(timers, BlockingCalls.on(Runnable::run),
      (box, signal) -> {
        signals.add(box.containerId() + ":" + signal);
        box.onSignal.run();
      });

  @Test
  void termIsSentAtOnceAndKillOnlyOnceTheGracePeriodHasPassed() {
    Box box = new Box("c1");

    Future<Void> killed = kills.kill(box, GRACE);

    assertThat(killed.succeeded()).isTrue();
    assertThat(box.killed()).isTrue();
    assertThat(signals).containsExactly("c1:TERM");
    timers.advance(GRACE.minusMillis(1));
    assertThat(signals).containsExactly("c1:TERM");
    timers.advance(Duration.ofMillis(1));
    assertThat(signals).containsExactly("c1:TERM", "c1:KILL");
  }

  @Test
  void aContainerThatEndsWithinTheGracePeriodGetsNoKill() {
    Box box = new Box("c1");
    kills.kill(box, GRACE);

    box.end(Termination.signalled(15, true));

    assertThat(timers.armedWithin(GRACE)).as("the SIGKILL timer is cancelled").isZero();
    timers.advance(GRACE);
    assertThat(signals).containsExactly("c1:TERM");
  }

  @Test
  void aContainerWhoseProcessesAreGoneGetsNoKillEvenBeforeItsEndIsReported() {
    Box box = new Box("c1");
    kills.kill(box, GRACE);

    box.alive = false;
    timers.advance(GRACE);

    assertThat(signals).containsExactly("c1:TERM");
  }

  @Test
  void aContainerThatEndsWhileTermIsSentLeavesNoTimerArmed() {
    Box box = new Box("c1");
    box.onSignal = () -> box.end(Termination.signalled(15, true));

    kills.kill(box, GRACE);

    assertThat(signals).containsExactly("c1:TERM");
    assertThat(timers.armedWithin(GRACE)).isZero();
  }

  @Test
  void killingTwiceSignalsOnce() {
    Box box = new Box("c1");

    kills.kill(box, GRACE);
    Future<Void> again = kills.kill(box, Duration.ZERO);

    assertThat(again.succeeded()).isTrue();
    assertThat(signals).containsExactly("c1:TERM");
    assertThat(timers.armedWithin(Duration.ofDays(1))).isEqualTo(1);
    timers.advance(Duration.ofSeconds(1));
    assertThat(signals).as("the first kill's grace period holds").containsExactly("c1:TERM");
  }

  @Test
  void anEndedOrUnknownContainerGetsNothing() {
    Box ended = new Box("c1");
    ended.end(Termination.exited(0, false));

    assertThat(kills.kill(ended, GRACE).succeeded()).isTrue();
    assertThat(kills.kill(null, GRACE).succeeded()).isTrue();

    assertThat(ended.killed()).isFalse();
    assertThat(signals).isEmpty();
    assertThat(timers.armedWithin(Duration.ofDays(1))).isZero();
  }

  @Test
  void aTermThatFailsStillEscalates() {
    Box box = new Box("c1");
    box.onSignal = () -> {
      if (signals.size() == 1) {
        throw new IllegalStateException("kill(1) is missing");
      }
    };

    Future<Void> killed = kills.kill(box, GRACE);
    timers.advance(GRACE);

    assertThat(killed.failed()).isTrue();
    assertThat(signals).containsExactly("c1:TERM", "c1:KILL");
  }

  /** A container that is alive until the test says otherwise. */
  static final class Box extends RunningContainer {
    volatile boolean alive = true;
    volatile Runnable onSignal = () -> { };

    Box(String containerId) {
      super(containerId, -1);
    }

    @Override
    protected boolean alive() {
      return alive;
    }
  }
}
