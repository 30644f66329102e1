package io.mezzo.cli.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.cli.MezzoCli;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mezzo task logs} reads the task's sandbox through the agent the master names for it. */
class TaskLogsTest {
  private static final String SANDBOX = "/frameworks/f1/executors/t1/runs/latest/";
  private FakeOperatorApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeOperatorApi();
    // The fake is the agent too: a1's pid names the fake's port.
    api.answer(Call.Type.GET_AGENTS, Fixtures.response(Fixtures.agents(api.port())));
    api.answer(Call.Type.GET_TASKS, Fixtures.response(Fixtures.tasks(TaskState.TASK_RUNNING)));
    api.file(SANDBOX + "stdout").append("one\ntwo\nthree\nfour\n");
    api.file(SANDBOX + "stderr").append("oops\n");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private ViewsTest.Run mezzo(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--master";
    all[args.length + 1] = api.url();
    int code = new CommandLine(new MezzoCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(all);
    return new ViewsTest.Run(code, out.toString(), err.toString());
  }

  @Test
  void printsStdoutOrStderr() {
    ViewsTest.Run stdout = mezzo("task", "logs", "t1");
    assertThat(stdout.code()).as(stdout.err()).isZero();
    assertThat(stdout.out()).isEqualTo("one\ntwo\nthree\nfour\n");
    assertThat(mezzo("task", "logs", "t1", "--stderr").out()).isEqualTo("oops\n");
  }

  @Test
  void tailStartsWithTheLastLines() {
    assertThat(mezzo("task", "logs", "t1", "--tail", "2").out()).isEqualTo("three\nfour\n");
    assertThat(mezzo("task", "logs", "t1", "--tail", "10").out()).isEqualTo("one\ntwo\nthree\nfour\n");
    assertThat(mezzo("task", "logs", "t1", "--tail", "0").out()).isEmpty();
    api.file(SANDBOX + "stdout").append("no newline yet");
    assertThat(mezzo("task", "logs", "t1", "--tail", "1").out()).isEqualTo("no newline yet");
  }

  @Test
  void anUnknownTaskOrFileIsExit1() {
    ViewsTest.Run unknown = mezzo("task", "logs", "nope");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("No task 'nope' is known to the master");

    // t0 ran on a1 too, but its sandbox is gone from the agent.
    ViewsTest.Run gone = mezzo("task", "logs", "t0");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("The agent has no file /frameworks/f1/executors/t0/runs/latest/stdout");
  }

  @Test
  void followReadsWhatTheTaskWritesUntilItEnds() {
    StringBuffer stdout = api.file(SANDBOX + "stdout");
    AtomicInteger polls = new AtomicInteger();
    // The fake drives the task: each GET_TASKS after the first finds a new line written;
    // the fifth says the task finished, with one last line written as it ended.
    api.answer(Call.Type.GET_TASKS, () -> {
      int n = polls.incrementAndGet();
      if (n > 1) {
        stdout.append("line ").append(n).append('\n');
      }
      return Fixtures.response(Fixtures.tasks(n < 5 ? TaskState.TASK_RUNNING : TaskState.TASK_FINISHED));
    });
    ViewsTest.Run run = mezzo("task", "logs", "t1", "-f", "--tail", "1", "--interval", "0s");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("four\nline 2\nline 3\nline 4\nline 5\n");
    assertThat(polls).hasValue(5);
  }
}
