package io.mezzo.agent;

import static org.awaitility.Awaitility.await;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.v1.Protos.TaskState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartStallScratchTest {
  @TempDir Path workDir;

  @Test
  void measure() throws Exception {
    try (AgentHarness harness = new AgentHarness(workDir, 3600, ProcessRuntime::new)) {
      for (int round = 0; round < 3; round++) {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + harness.agent.httpPort() + "/health");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong max = new AtomicLong();
        // loop-lag probe: a periodic on the vertx event loops is not the agent's; probe /health instead.
        Thread probe = new Thread(() -> {
          while (!stop.get()) {
            long t = System.nanoTime();
            try {
              http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
              return;
            }
            max.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
          }
        });
        probe.start();
        Thread.sleep(300);
        long before = max.getAndSet(0);
        long t0 = System.nanoTime();
        String prefix = "r" + round + "-";
        for (int i = 0; i < 40; i++) {
          harness.master.send(Tasks.runTask(Tasks.shellTask(prefix + i, "sleep 30")));
        }
        final int r = round;
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
          int running = 0;
          for (int i = 0; i < 40; i++) {
            if (harness.master.statusUpdates(prefix + i).stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING)) {
              running++;
            }
          }
          return running == 40;
        });
        long took = (System.nanoTime() - t0) / 1_000_000;
        stop.set(true);
        probe.join();
        System.out.println("MEASURE round " + r + ": idle max " + before + " ms; 40 tasks RUNNING in " + took
            + " ms; /health max during start " + max.get() + " ms");
      }
    }
  }
}
