package io.mezzo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.testkit.LocalCluster;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code mezzo run} on a real in-process cluster (master, agent with the process runtime):
 * the words after {@code --} reach the task as given, and the exit code is the task's.
 */
class RunCommandTest {
  private static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.builder().agents(1).allocationInterval(Duration.ofMillis(100)).build().start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void severalWordsRunAsAnArgvWithoutAShell() {
    Run run = run("--", "echo", "a  b", "$HOME");
    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).isEqualTo("a  b $HOME\n");
  }

  @Test
  void shDashCExitsWithItsScriptsCode() {
    Run run = run("--", "sh", "-c", "echo oops >&2; exit 3");
    assertThat(run.code).as(run.err).isEqualTo(3);
    assertThat(run.err).contains("TASK_FAILED").contains("Command exited with status 3").contains("oops");
  }

  @Test
  void oneWordStaysAShellCommand() {
    Run run = run("--", "echo \"$((40 + 2))\"; exit 4");
    assertThat(run.code).as(run.err).isEqualTo(4);
    assertThat(run.out).isEqualTo("42\n");
  }

  @Test
  void theExitCodeIsTheTasks() {
    assertThat(RunCommand.exitCode(status(TaskState.TASK_FINISHED, "Command exited with status 0"))).isZero();
    assertThat(RunCommand.exitCode(status(TaskState.TASK_FAILED, "Command exited with status 3"))).isEqualTo(3);
    // A failed task whose code is unknown (killed by a signal, lost, refused) is 1.
    assertThat(RunCommand.exitCode(status(TaskState.TASK_FAILED, "Command terminated with signal Killed"))).isEqualTo(1);
    assertThat(RunCommand.exitCode(status(TaskState.TASK_LOST, ""))).isEqualTo(1);
    assertThat(RunCommand.exitCode(status(TaskState.TASK_FAILED, "Command exited with status 0"))).isEqualTo(1);
  }

  private static TaskStatus status(TaskState state, String message) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(state).setMessage(message)
        .build();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[command.length + 5];
    System.arraycopy(new String[] {"run", "--master", cluster.masterUrl(), "--timeout", "60s"}, 0, args, 0, 5);
    System.arraycopy(command, 0, args, 5, command.length);
    int code = new CommandLine(new MezzoCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
