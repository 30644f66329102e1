package io.mezzo.agent.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The image ids a burst of launches shares, with a fake engine and a clock the test moves. */
class RecentImageIdsTest {
  private final Map<String, String> engine = new HashMap<>(Map.of("busybox", "sha256:aaa"));
  private final List<String> asked = new ArrayList<>();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private RecentImageIds ids() {
    return new RecentImageIds(name -> {
      synchronized (asked) {
        asked.add(name);
      }
      String id = engine.get(name);
      if (id == null) {
        throw new IllegalStateException("no such image: " + name);
      }
      return id;
    }, clock, Duration.ofSeconds(2));
  }

  @Test
  void launchesWithinTheReuseWindowShareOneAnswer() {
    RecentImageIds ids = ids();
    assertThat(ids.idOf("busybox")).isEqualTo("sha256:aaa");
    now = now.plusMillis(1500);
    assertThat(ids.idOf("busybox")).isEqualTo("sha256:aaa");
    now = now.plusMillis(500);
    assertThat(ids.idOf("busybox")).isEqualTo("sha256:aaa");
    assertThat(asked).containsExactly("busybox");
  }

  @Test
  void aTagMovedInTheEngineIsSeenOnceTheWindowHasPassed() {
    RecentImageIds ids = ids();
    assertThat(ids.idOf("busybox")).isEqualTo("sha256:aaa");
    engine.put("busybox", "sha256:bbb");
    now = now.plusMillis(2001);
    assertThat(ids.idOf("busybox")).isEqualTo("sha256:bbb");
    assertThat(asked).containsExactly("busybox", "busybox");
  }

  @Test
  void aForgottenNameAndAFailureAreAskedAgain() {
    RecentImageIds ids = ids();
    ids.idOf("busybox");
    ids.forget("busybox");
    ids.idOf("busybox");
    assertThatThrownBy(() -> ids.idOf("alpine")).hasMessage("no such image: alpine");
    engine.put("alpine", "sha256:ccc");
    assertThat(ids.idOf("alpine")).isEqualTo("sha256:ccc");
    assertThat(asked).containsExactly("busybox", "busybox", "alpine", "alpine");
  }

  @Test
  void concurrentLaunchesOfOneNameAskTheEngineOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    RecentImageIds ids = new RecentImageIds(name -> {
      calls.incrementAndGet();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return "sha256:aaa";
    }, clock, Duration.ofSeconds(2));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(threads.submit(() -> ids.idOf("busybox")));
      }
      // The first caller is in the engine; the others queue behind it for the same name.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
      release.countDown();
      for (Future<String> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("sha256:aaa");
      }
      assertThat(calls).hasValue(1);
    } finally {
      threads.shutdownNow();
    }
  }
}
