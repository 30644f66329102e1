package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The skeleton through a runtime that is only what a runtime must say (how to start, signal and
 * follow its containers), on manual time with blocking calls inline.
 */
class AbstractContainerRuntimeTest {
  private final ManualTimers timers = new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z")));
  private final InMemoryRuntime runtime = new InMemoryRuntime(timers);

  @Test
  void aLaunchedContainerIsReportedWhenItEnds() {
    LaunchedContainer container = runtime.launch(request("c1", "true")).result();

    runtime.started.get(0).exit.complete(Termination.exited(3, false));

    assertThat(container.containerId()).isEqualTo("c1");
    assertThat(container.termination().result().message()).isEqualTo("Command exited with status 3");
    assertThat(runtime.tracks("c1")).isFalse();
  }

  @Test
  void aRequestTheRuntimeCannotRunFailsAtOnceAndStartsNothing() {
    Future<LaunchedContainer> launch = runtime.launch(request("c1", ""));

    assertThat(launch.failed()).isTrue();
    assertThat(launch.cause()).isInstanceOf(ContainerLaunchException.class).hasMessage("no command");
    assertThat(runtime.started).isEmpty();
  }

  @Test
  void killSendsTermAndKillAfterTheGracePeriodAndTheEndSaysKilled() {
    LaunchedContainer container = runtime.launch(request("c1", "stubborn")).result();

    runtime.kill("c1", Duration.ofSeconds(2));
    timers.advance(Duration.ofSeconds(2));

    assertThat(runtime.signals).containsExactly("c1:TERM", "c1:KILL");
    Termination termination = container.termination().result();
    assertThat(termination.killed()).isTrue();
    assertThat(termination.message()).isEqualTo("Command terminated with signal Killed");
  }

  @Test
  void anEndingThatFailsIsReportedAsKilledBySignal() {
    LaunchedContainer container = runtime.launch(request("c1", "true")).result();

    runtime.started.get(0).exit.completeExceptionally(new IllegalStateException("state files unreadable"));

    assertThat(container.termination().result().signal()).isEqualTo(9);
  }

  @Test
  void closeKillsWhatRunsReleasesOnceAllEndedAndRefusesLaterLaunches() {
    LaunchedContainer a = runtime.launch(request("a", "true")).result();
    LaunchedContainer b = runtime.launch(request("b", "stubborn")).result();

    Future<Void> closed = runtime.close(Duration.ofSeconds(10));

    assertThat(a.termination().result().signal()).isEqualTo(15);
    assertThat(closed.isComplete()).isFalse();
    timers.advance(Duration.ofSeconds(10));
    assertThat(b.termination().result().signal()).isEqualTo(9);
    assertThat(closed.succeeded()).isTrue();
    assertThat(runtime.released).isTrue();
    Future<LaunchedContainer> late = runtime.launch(request("c", "true"));
    assertThat(late.failed()).isTrue();
    assertThat(late.cause()).hasMessage("The agent is shutting down");
  }

  @Test
  void aRuntimeThatCannotAdoptSaysSo() {
    Future<LaunchedContainer> recovered = runtime.recover(request("c1", "true"));

    assertThat(recovered.cause()).isInstanceOf(ContainerLaunchException.class)
        .hasMessage("The in-memory runtime cannot recover containers after an agent restart");
  }

  private static LaunchRequest request(String containerId, String command) {
    TaskInfo task = Tasks.shellTask("task-" + containerId, command);
    return new LaunchRequest(containerId, Tasks.FRAMEWORK, task, Path.of("/nonexistent"), Map.of());
  }

  /** A container whose end the test (or a signal) decides. */
  static final class Box extends RunningContainer {
    final CompletableFuture<Termination> exit = new CompletableFuture<>();
    final boolean ignoresTerm;

    Box(String containerId, boolean ignoresTerm) {
      super(containerId, -1);
      this.ignoresTerm = ignoresTerm;
    }
  }

  /** A fourth runtime, as small as one can be: start, signal, follow. */
  static final class InMemoryRuntime extends AbstractContainerRuntime<Box> {
    final List<Box> started = new CopyOnWriteArrayList<>();
    final List<String> signals = new CopyOnWriteArrayList<>();
    volatile boolean released;

    InMemoryRuntime(ManualTimers timers) {
      super(timers, BlockingCalls.on(Runnable::run));
    }

    @Override
    public String name() {
      return "in-memory";
    }

    @Override
    protected Callable<Box> prepare(LaunchRequest request) {
      String command = request.task().getCommand().getValue();
      if (command.isEmpty()) {
        throw new ContainerLaunchException("no command");
      }
      return () -> {
        Box box = new Box(request.containerId(), command.equals("stubborn"));
        started.add(box);
        track(box);
        follow(box, box.exit, box.exit::join);
        return box;
      };
    }

    @Override
    protected void signal(Box box, String signal) {
      signals.add(box.containerId() + ":" + signal);
      if (signal.equals("KILL") || !box.ignoresTerm) {
        box.exit.complete(Termination.signalled(signal.equals("KILL") ? 9 : 15, box.killed()));
      }
    }

    @Override
    protected void release() {
      released = true;
    }
  }
}
