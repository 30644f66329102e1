package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** The bound on calls under way, with the calls' threads played by the test: it runs each when it chooses. */
class BoundedBlockingCallsTest {
  /** Work handed to the "threads" and not yet run, oldest first. */
  private final Queue<Runnable> handedOut = new ArrayDeque<>();
  private final BlockingCalls bounded = BlockingCalls.bounded(BlockingCalls.on(handedOut::add), 2);
  private final List<String> ran = new ArrayList<>();

  @Test
  void callsBeyondTheLimitWaitUntilOneUnderWayEndsThenGoInTheOrderTheyCameIn() {
    List<Future<String>> results = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      results.add(bounded.call(() -> {
        ran.add(name);
        return name;
      }));
    }

    assertThat(handedOut).as("two under way, two waiting").hasSize(2);
    runOldest();
    assertThat(ran).containsExactly("a");
    assertThat(results.get(0).result()).isEqualTo("a");
    assertThat(handedOut).as("c took a's place").hasSize(2);
    runOldest();
    runOldest();
    runOldest();
    assertThat(ran).containsExactly("a", "b", "c", "d");
    assertThat(handedOut).isEmpty();
    assertThat(results).allSatisfy(result -> assertThat(result.succeeded()).isTrue());

    bounded.call(() -> ran.add("e"));
    bounded.call(() -> ran.add("f"));
    assertThat(handedOut).as("once all have ended, two may start at once again").hasSize(2);
  }

  @Test
  void aCallThatFailsFreesItsPlaceAndItsFutureFails() {
    Future<Object> failed = bounded.call(() -> {
      throw new IllegalStateException("no fork today");
    });
    bounded.call(() -> ran.add("b"));
    bounded.call(() -> ran.add("c"));

    runOldest();

    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).hasMessage("no fork today");
    assertThat(handedOut).as("c took the failed call's place").hasSize(2);
  }

  @Test
  void callsThatCannotBeHandedOutFailAndFreeTheirPlace() {
    BlockingCalls refusing = new BlockingCalls() {
      @Override
      public <T> Future<T> call(java.util.concurrent.Callable<T> work) {
        throw new java.util.concurrent.RejectedExecutionException("closed");
      }
    };
    BlockingCalls one = BlockingCalls.bounded(refusing, 1);

    assertThat(one.call(() -> "x").cause()).hasMessage("closed");
    assertThat(one.call(() -> "y").cause()).as("the refused call did not keep the only place").hasMessage("closed");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> BlockingCalls.bounded(BlockingCalls.on(Runnable::run), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  private void runOldest() {
    handedOut.remove().run();
  }
}
