package io.mezzo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mezzo batch} keeps the example batch framework's flags, lines and exit codes. */
class BatchCommandTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--tasks 0 --cmd x                       | --tasks must be at least 1, got 0",
      "--cmd=                                  | --cmd must not be empty",
      "--cmd x --cpus 0                        | --cpus must be a positive number",
      "--cmd x --mem -1                        | --mem must be a positive number of MB",
      "--cmd x --timeout 0                     | --timeout must be at least 1 second",
      "--tasks 1                               | Missing required option: '--cmd",
      "--cmd x --cluster nosuch                | No cluster named 'nosuch'",
      "--cmd x --cluster demo --master http://m | Give either --cluster or --master, not both",
      "--cmd x --master zk://h:2181/           | Invalid --master: Bad ZooKeeper URL",
  })
  void badArgumentsExit2(String args, String message) {
    StringWriter err = new StringWriter();
    // A short --timeout, so that a case that wrongly passed the checks ends soon (and fails).
    String line = "batch " + args.trim() + (args.contains("--timeout") ? "" : " --timeout 2");
    int code = new CommandLine(new MezzoCli()).setErr(new PrintWriter(err, true)).execute(line.split(" +"));
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  @Test
  void printsOneLinePerEndedTask() {
    assertThat(BatchCommand.line(status("batch-1", TaskState.TASK_FINISHED, "Command exited with status 0")))
        .isEqualTo("task batch-1 TASK_FINISHED");
    assertThat(BatchCommand.line(status("batch-2", TaskState.TASK_FAILED, "Command exited with status 3")))
        .isEqualTo("task batch-2 TASK_FAILED: Command exited with status 3");
    assertThat(BatchCommand.line(status("batch-3", TaskState.TASK_LOST, ""))).isEqualTo("task batch-3 TASK_LOST");
  }

  private static TaskStatus status(String id, TaskState state, String message) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setState(state).setMessage(message).build();
  }
}
