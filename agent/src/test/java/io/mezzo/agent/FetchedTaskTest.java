package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mezzo.agent.fetcher.Archives;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks with CommandInfo.uris, end to end through an agent: fetched before launch, or failed before anything runs. */
class FetchedTaskTest {
  @TempDir
  Path workDir;

  @TempDir
  Path served;

  private HttpServer server;
  private AgentHarness harness;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      Path file = served.resolve(exchange.getRequestURI().getPath().substring(1));
      if (Files.isRegularFile(file)) {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    server.stop(0);
  }

  @Test
  void aFetchedExecutableScriptRunsInTheSandbox() throws Exception {
    harness = new AgentHarness(workDir, 3600, ProcessRuntime::new);
    Files.writeString(served.resolve("script.sh"), "#!/bin/sh\necho \"fetched script says $1\"\n");
    new Archives.Tar().file("conf/greeting", "hello from the tarball", 0644).writeGzip(served.resolve("conf.tgz"));
    TaskInfo task = withUris(Tasks.shellTask("fetch-ok", "./script.sh ok && cat conf/greeting"),
        CommandInfo.URI.newBuilder().setValue(url("/script.sh")).setExecutable(true).build(),
        CommandInfo.URI.newBuilder().setValue(url("/conf.tgz")).build());

    harness.master.send(Tasks.runTask(task));

    TaskStatus finished = ackUntilTerminal("fetch-ok");
    assertThat(finished.getState()).as(finished.getMessage()).isEqualTo(TaskState.TASK_FINISHED);
    Path sandbox = sandboxHolding("script.sh");
    assertThat(Files.isExecutable(sandbox.resolve("script.sh"))).isTrue();
    assertThat(sandbox.resolve("stdout")).hasContent("fetched script says ok\nhello from the tarball");
  }

  @Test
  void aZipSlipArchiveFailsTheTaskBeforeAnythingRuns() throws Exception {
    FakeRuntime runtime = new FakeRuntime();
    harness = new AgentHarness(workDir, 3600, runtime);
    Archives.zip(served.resolve("evil.zip"), "../../evil", "pwned");
    harness.master.send(Tasks.runTask(withUris(Tasks.shellTask("slip", "true"),
        CommandInfo.URI.newBuilder().setValue(url("/evil.zip")).build())));

    TaskStatus failed = awaitFirstUpdate("slip");

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("Fetcher refused 'evil.zip': entry '../../evil' would land outside the sandbox");
    assertThat(runtime.launches()).isEmpty();
    Path sandbox = sandboxHolding("evil.zip");
    assertThat(sandbox.resolve("../../evil").normalize()).doesNotExist();
    assertThat(workDir.resolve("evil")).doesNotExist();
    try (Stream<Path> all = Tasks.sandboxTree(workDir)) {
      assertThat(all.filter(p -> p.getFileName().toString().equals("evil")).toList()).isEmpty();
    }
  }

  @Test
  void aMissingUriFailsTheTaskNamingIt() throws Exception {
    FakeRuntime runtime = new FakeRuntime();
    harness = new AgentHarness(workDir, 3600, runtime);
    String missing = url("/nowhere/app.jar");
    harness.master.send(Tasks.runTask(withUris(Tasks.shellTask("404", "java -jar app.jar"),
        CommandInfo.URI.newBuilder().setValue(missing).build())));

    TaskStatus failed = awaitFirstUpdate("404");

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(failed.getMessage()).isEqualTo("Failed to fetch '" + missing + "': HTTP 404");
    assertThat(runtime.launches()).isEmpty();
  }

  private static TaskInfo withUris(TaskInfo task, CommandInfo.URI... uris) {
    return TaskInfo.newBuilder(task)
        .setCommand(CommandInfo.newBuilder(task.getCommand()).addAllUris(List.of(uris)))
        .build();
  }

  private TaskStatus awaitFirstUpdate(String taskId) {
    await().atMost(AgentHarness.WAIT).until(() -> !harness.master.statusUpdates(taskId).isEmpty());
    return harness.master.statusUpdates(taskId).get(0);
  }

  /** Acknowledges each update as it comes (the next one waits for it) until a terminal one. */
  private TaskStatus ackUntilTerminal(String taskId) {
    for (int seen = 1; ; seen++) {
      int count = seen;
      await().atMost(AgentHarness.WAIT).until(() -> harness.master.statusUpdates(taskId).size() >= count);
      TaskStatus status = harness.master.statusUpdates(taskId).get(count - 1);
      harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
      if (status.getState() != TaskState.TASK_STARTING && status.getState() != TaskState.TASK_RUNNING) {
        return status;
      }
    }
  }

  private Path sandboxHolding(String fileName) throws IOException {
    try (Stream<Path> all = Tasks.sandboxTree(workDir)) {
      return all.filter(p -> p.getFileName().toString().equals(fileName)).findFirst().orElseThrow().getParent();
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }
}
