package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real process task that writes far more than the cap: its stdout is rotated while it runs. */
class TaskLogRotationTest {
  private static final long CAP = 64 * 1024;
  private static final int KEEP = 2;
  private static final int CHUNKS = 100;
  private static final int CHUNK = 10_000;

  @TempDir
  Path workDir;

  private AgentHarness harness;

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aTaskWritingAboutOneMegabyteKeepsStdoutUnderTheCapAndOnlyTheNewestRotatedFiles() throws Exception {
    harness = new AgentHarness(workDir, 3600, ProcessRuntime::new, config -> config.logRotation(CAP, KEEP));
    // ~1 MB over several seconds (so that several one-second rounds see it), then idle until killed.
    String script = "i=0; while [ $i -lt " + CHUNKS + " ]; do "
        + "head -c " + CHUNK + " /dev/zero | tr '\\0' o; echo \" chunk $i\"; sleep 0.05; i=$((i+1)); done; "
        + "echo all written >&2; sleep 1000";
    harness.master.send(Tasks.runTask(Tasks.shellTask("chatty", script)));
    await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates("chatty").stream()
        .anyMatch(s -> s.getState() == TaskState.TASK_STARTING || s.getState() == TaskState.TASK_RUNNING));
    Path sandbox = await().atMost(AgentHarness.WAIT).until(this::sandbox, dir -> dir != null);
    Path stdout = sandbox.resolve("stdout");
    Path stderr = sandbox.resolve("stderr");

    // Once everything is written, the next round leaves stdout under the cap.
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(stderr).contains("all written")
        && Files.exists(sandbox.resolve("stdout.1")) && Files.size(stdout) <= CAP);

    assertThat(sandbox.resolve("stdout.2")).as("several rounds rotated stdout").exists();
    assertThat(sandbox.resolve("stdout.3")).as("no more than " + KEEP + " rotated files").doesNotExist();
    long written = (long) CHUNKS * (CHUNK + " chunk 99\n".length());
    long kept = size(stdout) + size(sandbox.resolve("stdout.1")) + size(sandbox.resolve("stdout.2"));
    assertThat(kept).as("the oldest output was dropped").isLessThan(written - CAP);
    assertThat(Files.readString(stdout) + Files.readString(sandbox.resolve("stdout.1")))
        .as("the newest output is kept").contains(" chunk " + (CHUNKS - 1) + "\n");
    assertThat(Files.readString(sandbox.resolve("stdout.1"))).doesNotContain("\0");
    assertThat(sandbox.resolve("stderr.1")).as("stderr is under the cap").doesNotExist();
  }

  private Path sandbox() throws IOException {
    try (Stream<Path> all = Tasks.sandboxTree(workDir)) {
      return all.filter(p -> p.getFileName().toString().equals("stdout")).findFirst().map(Path::getParent).orElse(null);
    }
  }

  private static long size(Path file) throws IOException {
    return Files.size(file);
  }
}
