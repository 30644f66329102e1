package io.mezzo.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxLayoutTest {
  @TempDir
  Path workDir;

  @Test
  void createsRunsInTheMesosLayoutWithALatestLink() throws Exception {
    SandboxLayout layout = new SandboxLayout(workDir);

    Path first = layout.createRun("fw", "task", "c1");
    Path second = layout.createRun("fw", "task", "c2");

    assertThat(first).isEqualTo(workDir.resolve("frameworks/fw/executors/task/runs/c1"));
    assertThat(second).isDirectory();
    Path latest = workDir.resolve("frameworks/fw/executors/task/runs/latest");
    assertThat(Files.isSymbolicLink(latest)).isTrue();
    assertThat(Files.readSymbolicLink(latest)).isEqualTo(Path.of("c2"));
    assertThat(latest.toRealPath()).isEqualTo(second.toRealPath());
    assertThat(SandboxLayout.virtualLatestPath("fw", "task")).isEqualTo("/frameworks/fw/executors/task/runs/latest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "../x", "a\\b", "tab\there", "nul\0"})
  void refusesIdsThatAreNotOnePathComponent(String id) {
    SandboxLayout layout = new SandboxLayout(workDir);

    assertThatThrownBy(() -> layout.createRun(id, "task", "c1")).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("framework id");
    assertThatThrownBy(() -> layout.createRun("fw", id, "c1")).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("executor id");
    assertThat(workDir.resolve("frameworks")).doesNotExist();
  }

  @Test
  void refusesOverlongIds() {
    assertThatThrownBy(() -> SafeId.check("task id", "x".repeat(256))).hasMessageContaining("longer than 255");
    assertThat(SafeId.check("task id", "x".repeat(255))).hasSize(255);
    assertThat(SafeId.check("task id", "web.1-2_3:ok")).isEqualTo("web.1-2_3:ok");
  }

  @Test
  void theTasksOfAGroupCanCreateTheirSharedRunConcurrently() throws Exception {
    SandboxLayout layout = new SandboxLayout(workDir);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 200; round++) {
        String executor = "group-executor-" + round;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
        java.util.List<java.util.concurrent.Future<java.nio.file.Path>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          runs.add(pool.submit(() -> {
            together.await();
            return layout.createRun("fw", executor, "shared-container");
          }));
        }
        for (java.util.concurrent.Future<java.nio.file.Path> run : runs) {
          assertThat(run.get(10, java.util.concurrent.TimeUnit.SECONDS))
              .isEqualTo(workDir.resolve("frameworks/fw/executors/" + executor + "/runs/shared-container"));
        }
        assertThat(java.nio.file.Files.readSymbolicLink(workDir.resolve("frameworks/fw/executors/" + executor
            + "/runs/latest")).toString()).isEqualTo("shared-container");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
