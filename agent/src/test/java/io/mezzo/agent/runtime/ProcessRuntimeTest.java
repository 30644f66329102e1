package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.support.Timers;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.TaskInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProcessRuntimeTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path sandbox;

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = vertxes.vertx();
  }

  @Test
  void aTaskThatExitsZeroWritesItsStdoutAndSucceeds() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("hello", "echo hello $GREETING from $MESOS_TASK_ID; echo oops >&2; pwd"))
        .setCommand(CommandInfo.newBuilder()
            .setValue("echo hello $GREETING from $MESOS_TASK_ID; echo oops >&2; pwd")
            .setEnvironment(Environment.newBuilder().addVariables(
                Environment.Variable.newBuilder().setName("GREETING").setValue("world"))))
        .build();

    LaunchedContainer container = result(runtime.launch(request(task, Map.of("MESOS_TASK_ID", "hello"))));
    Termination termination = result(container.termination());

    assertThat(termination.succeeded()).isTrue();
    assertThat(termination.message()).isEqualTo("Command exited with status 0");
    assertThat(read(sandbox.resolve("stdout")))
        .isEqualTo("hello world from hello\n" + sandbox.toRealPath() + "\n");
    assertThat(read(sandbox.resolve("stderr"))).isEqualTo("oops\n");
  }

  @Test
  void aNonZeroExitIsReportedWithItsStatus() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));

    LaunchedContainer container = result(runtime.launch(request(Tasks.shellTask("three", "exit 3"), Map.of())));
    Termination termination = result(container.termination());

    assertThat(termination.succeeded()).isFalse();
    assertThat(termination.killed()).isFalse();
    assertThat(termination.exitCode()).isEqualTo(3);
    assertThat(termination.message()).isEqualTo("Command exited with status 3");
  }

  @Test
  void withoutAShellTheValueIsExecutedWithArgumentsAsArgv() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("argv", "unused"))
        .setCommand(CommandInfo.newBuilder()
            .setShell(false)
            .setValue("/bin/echo")
            .addAllArguments(List.of("echo", "two words", "$NOT_EXPANDED")))
        .build();

    Termination termination = result(result(runtime.launch(request(task, Map.of()))).termination());

    assertThat(termination.succeeded()).isTrue();
    assertThat(read(sandbox.resolve("stdout"))).isEqualTo("two words $NOT_EXPANDED\n");
  }

  @Test
  void aTaskWithoutACommandFailsToLaunch() {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    TaskInfo task = TaskInfo.newBuilder(Tasks.shellTask("empty", "x")).clearCommand().build();

    Future<LaunchedContainer> launch = runtime.launch(request(task, Map.of()));

    await().atMost(WAIT).until(launch::isComplete);
    assertThat(launch.failed()).isTrue();
    assertThat(launch.cause()).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("has no command");
  }

  @Test
  void killReachesTheWholeProcessGroup() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    LaunchedContainer container = result(runtime.launch(request(Tasks.shellTask("group", "sleep 1000 & sleep 1000"), Map.of())));
    long pgid = container.pid();
    await().atMost(WAIT).until(() -> groupMembers(pgid).size() >= 3);
    List<Long> members = groupMembers(pgid);
    assertThat(members).contains(pgid);

    result(runtime.kill(container.containerId(), Duration.ofSeconds(30)));
    Termination termination = result(container.termination());

    assertThat(termination.killed()).isTrue();
    assertThat(termination.signal()).isEqualTo(15);
    assertThat(termination.message()).isEqualTo("Command terminated with signal Terminated");
    await().atMost(WAIT).untilAsserted(() -> assertThat(members).allMatch(ProcessRuntimeTest::gone));
  }

  @Test
  void aTaskThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    ManualTimers timers = new ManualTimers(clock);
    ProcessRuntime runtime = new ProcessRuntime(vertx, timers);
    LaunchedContainer container = result(runtime.launch(
        request(Tasks.shellTask("stubborn", "trap '' TERM; sleep 1000 & sleep 1000"), Map.of())));
    long pgid = container.pid();
    await().atMost(WAIT).until(() -> groupMembers(pgid).size() >= 3);
    List<Long> members = groupMembers(pgid);

    result(runtime.kill(container.containerId(), Duration.ofSeconds(3)));
    await().atMost(WAIT).until(() -> timers.armedWithin(Duration.ofSeconds(3)) == 1);
    assertThat(container.termination().isComplete()).isFalse();
    timers.advance(Duration.ofSeconds(3));
    Termination termination = result(container.termination());

    assertThat(termination.killed()).isTrue();
    assertThat(termination.signal()).isEqualTo(9);
    assertThat(termination.message()).isEqualTo("Command terminated with signal Killed");
    await().atMost(WAIT).untilAsserted(() -> assertThat(members).allMatch(ProcessRuntimeTest::gone));
  }

  @Test
  void whatTheMainProcessLeavesBehindIsKilledWhenItExits() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    LaunchedContainer container = result(runtime.launch(
        request(Tasks.shellTask("orphans", "sleep 1000 & echo $! > child.pid"), Map.of())));

    Termination termination = result(container.termination());

    assertThat(termination.succeeded()).isTrue();
    long child = Long.parseLong(read(sandbox.resolve("child.pid")).trim());
    await().atMost(WAIT).until(() -> gone(child));
  }

  @Test
  void closeKillsEveryRunningContainer() throws Exception {
    ProcessRuntime runtime = new ProcessRuntime(vertx, Timers.vertx(vertx));
    LaunchedContainer container = result(runtime.launch(request(Tasks.shellTask("left", "sleep 1000"), Map.of())));

    result(runtime.close(Duration.ofSeconds(30)));

    assertThat(container.termination().isComplete()).isTrue();
    assertThat(gone(container.pid())).isTrue();
    Future<LaunchedContainer> late = runtime.launch(request(Tasks.shellTask("late", "true"), Map.of()));
    assertThat(late.failed()).isTrue();
  }

  private LaunchRequest request(TaskInfo task, Map<String, String> environment) {
    return new LaunchRequest("c-" + task.getTaskId().getValue(), Tasks.FRAMEWORK, task, sandbox, environment);
  }

  private static <T> T result(Future<T> future) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Live (non-zombie) processes whose process group is {@code pgid}. */
  static List<Long> groupMembers(long pgid) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> !gone(pid) && ProcessGroup.groupOf(pid).orElse(-1) == pgid)
          .toList();
    }
  }

  /** True when the process no longer exists or is a zombie waiting for a parent that is not us. */
  static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
      return state.equals("Z") || state.equals("X");
    } catch (IOException e) {
      return true;
    }
  }
}
