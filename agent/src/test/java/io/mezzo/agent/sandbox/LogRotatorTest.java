package io.mezzo.agent.sandbox;

import io.mezzo.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.testkit.TestVertx;
import io.vertx.core.Vertx;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LogRotatorTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration INTERVAL = LogRotator.DEFAULT_INTERVAL;

  @TempDir
  Path dir;

  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private final Vertx vertx = vertxes.vertx();
  private final ManualTimers timers = new ManualTimers(new ManualClock(Instant.parse("2025-01-01T00:00:00Z")));
  private LogRotator rotator;

  @AfterEach
  void stop() throws Exception {
    if (rotator != null) {
      rotator.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void aFileOverTheCapIsCopiedToDotOneAndTruncatedAndOlderCopiesShiftUntilMaxFiles() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    start(() -> List.of(sandbox), 10, 3);
    Path stdout = sandbox.resolve("stdout");

    for (int i = 1; i <= 5; i++) {
      Files.writeString(stdout, "output number " + i);
      round();
    }

    assertThat(stdout).exists().isEmptyFile();
    assertThat(sandbox.resolve("stdout.1")).hasContent("output number 5");
    assertThat(sandbox.resolve("stdout.2")).hasContent("output number 4");
    assertThat(sandbox.resolve("stdout.3")).hasContent("output number 3");
    assertThat(sandbox.resolve("stdout.4")).doesNotExist();
    assertThat(sandbox.resolve("stderr")).doesNotExist();
    assertThat(sandbox.resolve("stderr.1")).doesNotExist();
  }

  @Test
  void stdoutAndStderrAreRotatedEachAgainstTheCap() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    start(() -> List.of(sandbox), 10, 2);
    Files.writeString(sandbox.resolve("stdout"), "short");
    Files.writeString(sandbox.resolve("stderr"), "a long error message");

    round();

    assertThat(sandbox.resolve("stdout")).hasContent("short");
    assertThat(sandbox.resolve("stdout.1")).doesNotExist();
    assertThat(sandbox.resolve("stderr")).isEmptyFile();
    assertThat(sandbox.resolve("stderr.1")).hasContent("a long error message");
  }

  @Test
  void aFileAtTheCapIsLeftAlone() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    start(() -> List.of(sandbox), 10, 2);
    Files.writeString(sandbox.resolve("stdout"), "0123456789");

    round();
    round();

    assertThat(sandbox.resolve("stdout")).hasContent("0123456789");
    assertThat(sandbox.resolve("stdout.1")).doesNotExist();
  }

  @Test
  void missingFilesAndSandboxesAreSkippedAndTheOthersStillRotated() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path gone = dir.resolve("gone");
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    start(() -> List.of(empty, gone, sandbox), 4, 1);
    Files.writeString(sandbox.resolve("stdout"), "too long");

    round();
    Files.writeString(sandbox.resolve("stdout"), "longer still");
    round();

    assertThat(sandbox.resolve("stdout.1")).hasContent("longer still");
    assertThat(sandbox.resolve("stdout.2")).doesNotExist();
    try (var listing = Files.list(empty)) {
      assertThat(listing.toList()).isEmpty();
    }
    assertThat(gone).doesNotExist();
  }

  @Test
  void aWriterAppendingThroughAnOpenStreamGoesOnAtTheStartOfTheTruncatedFile() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    start(() -> List.of(sandbox), 1000, 2);
    Path stdout = sandbox.resolve("stdout");
    byte[] before = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);

    try (OutputStream task = new FileOutputStream(stdout.toFile(), true)) {
      task.write(before);
      task.flush();
      round();
      task.write("after rotation\n".getBytes(StandardCharsets.US_ASCII));
      task.flush();

      // No hole of 5000 zero bytes before the new output: the file is exactly what came after.
      assertThat(Files.size(stdout)).isEqualTo(15);
      assertThat(stdout).hasContent("after rotation\n");
      assertThat(Files.readAllBytes(sandbox.resolve("stdout.1"))).isEqualTo(before);

      task.write("y".repeat(2000).getBytes(StandardCharsets.US_ASCII));
      task.flush();
      round();
      task.write("z".getBytes(StandardCharsets.US_ASCII));
      task.flush();
    }

    assertThat(stdout).hasContent("z");
    assertThat(sandbox.resolve("stdout.1")).hasContent("after rotation\n" + "y".repeat(2000));
    assertThat(Files.readAllBytes(sandbox.resolve("stdout.2"))).isEqualTo(before);
  }

  @Test
  void aLinkInPlaceOfStdoutIsNotFollowed() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    Path outside = Files.writeString(dir.resolve("precious"), "not the task's to rotate");
    Files.createSymbolicLink(sandbox.resolve("stdout"), outside);
    start(() -> List.of(sandbox), 4, 2);

    round();

    assertThat(outside).hasContent("not the task's to rotate");
    assertThat(sandbox.resolve("stdout.1")).doesNotExist();
  }

  @Test
  void aFailingRoundIsLoggedAndTheNextOneStillRuns() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    AtomicInteger asked = new AtomicInteger();
    start(() -> {
      if (asked.incrementAndGet() == 1) {
        throw new IllegalStateException("no sandboxes for you");
      }
      return List.of(sandbox);
    }, 4, 2);

    round();
    Files.writeString(sandbox.resolve("stdout"), "rotated anyway");
    round();

    assertThat(sandbox.resolve("stdout.1")).hasContent("rotated anyway");
    assertThat(asked).hasValue(2);
  }

  @Test
  void aFileThatCannotBeRotatedDoesNotStopTheOthers() throws Exception {
    Path blocked = Files.createDirectory(dir.resolve("blocked"));
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    Files.createDirectories(blocked.resolve("stdout.1/in-the-way"));
    Files.writeString(blocked.resolve("stdout"), "cannot move stdout.1 aside");
    Files.writeString(sandbox.resolve("stdout"), "rotated anyway");
    start(() -> List.of(blocked, sandbox), 4, 1);

    round();

    assertThat(blocked.resolve("stdout")).hasContent("cannot move stdout.1 aside");
    assertThat(sandbox.resolve("stdout.1")).hasContent("rotated anyway");
    assertThat(sandbox.resolve("stdout")).isEmptyFile();
  }

  @Test
  void closeStopsTheRounds() throws Exception {
    Path sandbox = Files.createDirectory(dir.resolve("sandbox"));
    AtomicInteger asked = new AtomicInteger();
    start(() -> {
      asked.incrementAndGet();
      return List.of(sandbox);
    }, 4, 1);
    round();

    rotator.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Files.writeString(sandbox.resolve("stdout"), "after close");
    timers.advance(INTERVAL.multipliedBy(3));

    assertThat(asked).hasValue(1);
    assertThat(timers.armedWithin(INTERVAL.multipliedBy(10))).isZero();
    assertThat(sandbox.resolve("stdout")).hasContent("after close");
    assertThat(rotator.close().succeeded()).isTrue();
  }

  @Test
  void badLimitsAreRefused() {
    assertThatThrownBy(() -> new LogRotator(vertx.getOrCreateContext(), timers, List::of, 0, 1, INTERVAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new LogRotator(vertx.getOrCreateContext(), timers, List::of, 1, 0, INTERVAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("At least one");
  }

  private void start(Supplier<List<Path>> sandboxes, long maxSize, int maxFiles) {
    rotator = new LogRotator(vertx.getOrCreateContext(), timers, sandboxes, maxSize, maxFiles, INTERVAL);
    rotator.start();
  }

  /** Fires the armed timer and waits until its round has finished. */
  private void round() {
    long before = rotator.rounds();
    await().atMost(WAIT).until(() -> timers.armedWithin(INTERVAL) == 1);
    timers.advance(INTERVAL);
    await().atMost(WAIT).until(() -> rotator.rounds() > before);
  }
}
