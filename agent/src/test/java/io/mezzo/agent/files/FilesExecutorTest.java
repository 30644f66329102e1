package io.mezzo.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The files threads answer a call that blocks at its timeout, and refuse at once when saturated. */
class FilesExecutorTest {
  private final Vertx vertx = Vertx.vertx();
  private final CountDownLatch release = new CountDownLatch(1);
  private final FilesExecutor executor = new FilesExecutor(vertx, 1, 1, Duration.ofMillis(300));

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    executor.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBlockedCallIsAnswered504AndASaturatedExecutorRefuses503AtOnce() throws Exception {
    Future<String> blocked = submitOnContext(this::block);
    Future<String> queued = submitOnContext(this::block);
    Future<String> refused = submitOnContext(() -> "never");

    assertThat(status(refused, Duration.ofMillis(200))).isEqualTo(503);
    assertThat(status(blocked, Duration.ofSeconds(5))).isEqualTo(504);
    assertThat(status(queued, Duration.ofSeconds(5))).isEqualTo(504);
  }

  @Test
  void answersWithTheResultOnTheCallersContext() throws Exception {
    Future<String> answer = submitOnContext(() -> Thread.currentThread().getName());

    assertThat(answer.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).startsWith("mezzo-files-");
  }

  private String block() throws InterruptedException {
    release.await();
    return "released";
  }

  private Future<String> submitOnContext(java.util.concurrent.Callable<String> work) throws Exception {
    var submitted = new java.util.concurrent.CompletableFuture<Future<String>>();
    vertx.runOnContext(v -> submitted.complete(executor.submit(work)));
    return submitted.get(5, TimeUnit.SECONDS);
  }

  private static int status(Future<String> call, Duration within) throws Exception {
    try {
      call.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
      return 200;
    } catch (ExecutionException e) {
      return ((FileRequestException) e.getCause()).status;
    }
  }
}
