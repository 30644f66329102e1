package io.mezzo.agent.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.runtime.oci.OciBinary.Creation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for the OCI runtime to create a container, with a stand-in binary (no root, no runc). */
class OciBinaryTest {
  @TempDir
  Path dir;

  /** A binary whose {@code run --help} mentions {@code --keep} when {@code keep}, as runc's does. */
  private OciBinary binary(boolean keep, Duration createWait) throws IOException {
    Path script = dir.resolve("fake-runc");
    Files.writeString(script, "#!/bin/sh\n" + (keep ? "echo '   --keep   keep the container'\n" : "true\n"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new OciBinary(script, dir.resolve("state"), createWait);
  }

  @Test
  void aContainerWhoseStateFileExistsIsCreated() throws IOException {
    OciBinary binary = binary(true, Duration.ofSeconds(5));
    Files.createDirectories(dir.resolve("state/c1"));
    Files.writeString(dir.resolve("state/c1/state.json"), "{}");
    assertThat(binary.awaitCreated("c1", () -> true)).isEqualTo(Creation.CREATED);
  }

  @Test
  void aRuntimeThatExitedWithoutCreatingItIsToldApartOnlyWithKeep() throws IOException {
    assertThat(binary(true, Duration.ofSeconds(5)).awaitCreated("c2", () -> false)).isEqualTo(Creation.EXITED);
    // Without --keep an ended container leaves no state: its exit is its end, reported by the wait.
    assertThat(binary(false, Duration.ofSeconds(5)).awaitCreated("c2", () -> false)).isEqualTo(Creation.CREATED);
  }

  @Test
  void aRuntimeStillWithoutAContainerAfterTheWaitIsNotReportedRunning() throws IOException {
    OciBinary binary = binary(true, Duration.ofMillis(50));
    assertThat(binary.awaitCreated("c3", () -> true)).isEqualTo(Creation.TIMED_OUT);
  }

  @Test
  void concurrentFirstLaunchesAskTheBinaryForKeepOnce() throws Exception {
    Path calls = dir.resolve("calls");
    Path script = dir.resolve("counting-runc");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + calls + "\necho '   --keep   keep the container'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    OciBinary binary = new OciBinary(script, dir.resolve("state"), Duration.ofSeconds(5));
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(threads.submit(() -> {
          go.await();
          return binary.supportsKeep();
        }));
      }
      go.countDown();
      for (java.util.concurrent.Future<Boolean> answer : answers) {
        assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(Files.readAllLines(calls)).containsExactly("run --help");
    assertThat(binary.runCommand(dir.resolve("bundle"), "c4")).contains("--keep");
    assertThat(Files.readAllLines(calls)).hasSize(1);
  }

  @Test
  void aStateFileThatAppearsWhileWaitingEndsTheWait() throws Exception {
    OciBinary binary = binary(true, Duration.ofSeconds(30));
    Path state = dir.resolve("state/c5");
    java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
    // The runtime creates the container on the third look, as runc does while the agent waits.
    Creation creation = binary.awaitCreated("c5", () -> {
      if (looks.incrementAndGet() == 3) {
        try {
          Files.createDirectories(state);
          Files.writeString(state.resolve("state.json"), "{}");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return true;
    });
    assertThat(creation).isEqualTo(Creation.CREATED);
    assertThat(looks).hasValue(3);
  }
}
