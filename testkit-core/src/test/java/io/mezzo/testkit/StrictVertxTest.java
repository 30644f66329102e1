package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StrictVertxTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Limits far below the defaults, only so that this test does not block a loop for seconds. */
  private static VertxOptions quickChecker() {
    return new VertxOptions().setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(100).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  @Test
  void aVertxThatDidNothingWrongClosesQuietly() {
    StrictVertx strict = StrictVertx.start(quickChecker());
    CountDownLatch ran = new CountDownLatch(1);
    strict.vertx().runOnContext(v -> ran.countDown());
    await().atMost(WAIT).until(() -> ran.getCount() == 0);

    strict.close();
    strict.close();

    assertThat(strict.failures()).isEmpty();
  }

  @Test
  void aVertxTheTestClosedItselfClosesAgainQuietly() throws Exception {
    StrictVertx strict = StrictVertx.start();
    strict.vertx().close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    strict.close();

    assertThat(strict.failures()).isEmpty();
  }

  @Test
  void anExceptionOnTheEventLoopFailsTheCloseWithItsStack() {
    StrictVertx strict = StrictVertx.start();
    strict.vertx().runOnContext(v -> {
      throw new IllegalStateException("boom on the loop");
    });
    await().atMost(WAIT).until(() -> !strict.failures().isEmpty());

    assertThatThrownBy(strict::close).isInstanceOf(AssertionError.class)
        .hasMessageContaining("boom on the loop")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class));
  }

  @Test
  void aBlockedEventLoopFailsTheCloseWithWhereItWasStuck() throws Exception {
    StrictVertx strict = StrictVertx.start(quickChecker());
    CountDownLatch release = new CountDownLatch(1);
    strict.vertx().runOnContext(v -> blockUntil(release));

    await().atMost(WAIT).until(() -> !strict.failures().isEmpty());
    release.countDown();

    assertThatThrownBy(strict::close).isInstanceOf(AssertionError.class)
        .hasMessageContaining("vert.x-eventloop-thread").hasMessageContaining("time limit is 100 ms")
        .satisfies(e -> assertThat(e.getSuppressed()[0].getStackTrace())
            .anyMatch(frame -> frame.getMethodName().equals("blockUntil")));
  }

  @Test
  void failuresAreReportedOnce() {
    StrictVertx strict = StrictVertx.start();
    strict.vertx().runOnContext(v -> {
      throw new IllegalStateException("once");
    });
    await().atMost(WAIT).until(() -> !strict.failures().isEmpty());

    assertThatThrownBy(strict::assertNoFailures).isInstanceOf(AssertionError.class);
    strict.close();
  }

  @Test
  void anotherVertxsBlockedThreadIsNotThisOnesFailure() {
    StrictVertx strict = StrictVertx.start(quickChecker());
    Vertx other = Vertx.vertx(quickChecker());
    CountDownLatch release = new CountDownLatch(1);
    try {
      CountDownLatch blocked = new CountDownLatch(1);
      other.runOnContext(v -> {
        blocked.countDown();
        blockUntil(release);
      });
      // Blocked for many times the limit and the check interval of both.
      await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> blocked.getCount() == 0);
    } finally {
      release.countDown();
      other.close();
    }
    strict.close();
  }

  private static void blockUntil(CountDownLatch release) {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
