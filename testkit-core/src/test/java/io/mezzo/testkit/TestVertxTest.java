package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The extension's callbacks, called as JUnit calls them (they do not look at the context). */
class TestVertxTest {

  @Test
  void closesEveryVertxItMadeAfterEachTestAndFailsWithWhatWentWrong() throws Exception {
    TestVertx extension = new TestVertx();
    Vertx vertx = extension.vertx();
    Vertx second = extension.create();
    assertThat(extension.vertx()).isSameAs(vertx);
    throwOn(second, "thrown on the second");

    assertThatThrownBy(() -> extension.afterEach(null)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("thrown on the second");

    assertThatThrownBy(() -> vertx.setTimer(1, id -> {})).as("closed").isInstanceOf(RejectedExecutionException.class);
    assertThat(extension.vertx()).as("the next test gets a new Vert.x").isNotSameAs(vertx);
    extension.afterEach(null);
  }

  @Test
  void sharedByTheClassItChecksAfterEachTestAndClosesAfterAll() throws Exception {
    TestVertx extension = new TestVertx();
    extension.beforeAll(null);
    Vertx vertx = extension.vertx();

    extension.afterEach(null);
    throwOn(vertx, "in the second test");
    assertThatThrownBy(() -> extension.afterEach(null)).hasMessageContaining("in the second test");
    vertx.setTimer(1, id -> {});

    extension.afterAll(null);
    assertThatThrownBy(() -> vertx.setTimer(1, id -> {})).as("closed").isInstanceOf(RejectedExecutionException.class);
  }

  /** Throws {@code message} on an event loop of {@code vertx} and returns once its exception handler ran. */
  private static void throwOn(Vertx vertx, String message) throws InterruptedException {
    Context context = vertx.getOrCreateContext();
    CountDownLatch after = new CountDownLatch(1);
    context.runOnContext(v -> {
      throw new IllegalStateException(message);
    });
    context.runOnContext(v -> after.countDown());
    assertThat(after.await(20, TimeUnit.SECONDS)).isTrue();
  }
}
