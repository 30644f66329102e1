package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.Tasks;
import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's FIFO, read many times through the files API, neither blocks task launches nor reads
 * of regular files (it used to hold every worker thread until someone wrote to the FIFO).
 */
class FifoInSandboxTest {
  @TempDir
  Path workDir;

  private AgentHarness harness;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Set<ByteString> acknowledged = new HashSet<>();

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void thirtyParallelReadsOfAFifoStopNeitherALaunchNorARegularRead() throws Exception {
    harness = new AgentHarness(workDir, 3600, ProcessRuntime::new);
    harness.master.send(Tasks.runTask(Tasks.shellTask("fifo-maker", "mkfifo fifo; echo made; sleep 600")));
    Path sandbox = await().atMost(AgentHarness.WAIT).until(this::fifoSandbox, dir -> dir != null);
    String virtualDir = "/" + workDir.toRealPath().relativize(sandbox.toRealPath());

    List<CompletableFuture<HttpResponse<String>>> fifoReads = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      fifoReads.add(http.sendAsync(request("/files/read?path=" + virtualDir + "/fifo&offset=0"),
          HttpResponse.BodyHandlers.ofString()));
    }
    harness.master.send(Tasks.runTask(Tasks.shellTask("after", "sleep 600")));

    await().atMost(AgentHarness.WAIT).until(() -> {
      acknowledgeNew(); // the agent sends a task's next update once the last one is acknowledged
      return harness.master.statusUpdates("after").stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING);
    });
    HttpResponse<String> regular = http.send(request("/files/read?path=" + virtualDir + "/stdout&offset=0"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(regular.statusCode()).isEqualTo(200);
    assertThat(regular.body()).contains("made");
    for (CompletableFuture<HttpResponse<String>> read : fifoReads) {
      HttpResponse<String> response = read.get(AgentHarness.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("is not a regular file");
    }
  }

  private void acknowledgeNew() {
    for (TaskStatus status : harness.master.statusUpdates()) {
      if (acknowledged.add(status.getUuid())) {
        harness.master.send(Tasks.acknowledge(Tasks.FRAMEWORK, status));
      }
    }
  }

  private HttpRequest request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.agent.httpPort() + pathAndQuery))
        .timeout(Duration.ofSeconds(15)).build();
  }

  private Path fifoSandbox() throws Exception {
    try (Stream<Path> all = Tasks.sandboxTree(workDir)) {
      return all.filter(p -> p.getFileName().toString().equals("fifo")).findFirst().map(Path::getParent)
          .filter(dir -> readable(dir.resolve("stdout"))).orElse(null);
    }
  }

  private static boolean readable(Path stdout) {
    try {
      return Files.readString(stdout).contains("made");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
