package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.Allocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.ConfinedAllocator;
import io.mezzo.master.state.StateOwner;
import io.mezzo.master.state.Timers;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner-thread checks: the master's state and allocator may be used on the master's context
 * (and the duplicates Vert.x runs requests on), and a call from anywhere else fails at once.
 */
class ContextOwnerTest {
  private Vertx vertx;
  private Context master;
  private StateOwner owner;

  @BeforeEach
  void start() {
    assertThat(ClusterState.class.desiredAssertionStatus()).as("the checks are assertions; tests run with -ea").isTrue();
    vertx = Vertx.vertx();
    master = vertx.getOrCreateContext();
    owner = new ContextOwner(master);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T on(Context context, Supplier<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable t) {
        result.fail(t);
      }
    });
    return result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theContextAndItsDuplicatesOwnTheStateOthersDoNot() throws Exception {
    assertThat(on(master, owner::isCurrent)).isTrue();
    assertThat(on(((ContextInternal) master).duplicate(), owner::isCurrent)).as("a request's duplicate").isTrue();
    assertThat(owner.isCurrent()).as("the test thread").isFalse();
    assertThat(on(vertx.getOrCreateContext(), owner::isCurrent)).as("another event-loop context").isFalse();
    assertThat(vertx.executeBlocking(owner::isCurrent).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).as("a worker").isFalse();
  }

  @Test
  void clusterStateUsedOffTheContextTripsTheCheck() throws Exception {
    ClusterState state = on(master, () -> new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050)
        .build(), new DrfAllocator(new Random(1)), Clock.systemUTC(), new NoTimers(), owner, Duration.ofMinutes(10),
        null));

    assertThat(on(master, () -> state.totalResources())).isEqualTo(Resources.EMPTY);
    // A handler that hands the work to a worker thread instead of doing it on the context:
    Future<Void> offContext = vertx.executeBlocking(() -> {
      state.heartbeat();
      return null;
    });
    assertThatThrownBy(() -> offContext.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(AssertionError.class).hasMessageContaining("ClusterState used off the master's context");
    assertThatThrownBy(state::allocate).isInstanceOf(AssertionError.class);
  }

  @Test
  void theAllocatorUsedOffTheContextTripsTheCheck() throws Exception {
    Allocator allocator = new ConfinedAllocator(new DrfAllocator(new Random(1)), owner);
    on(master, () -> {
      allocator.addAgent("a1", Resources.cpusMem(4, 4096), Resources.EMPTY);
      allocator.addFramework("f1", Set.of("*"), Set.of());
      return null;
    });
    assertThat(on(master, () -> allocator.allocate(Instant.EPOCH))).singleElement();

    assertThatThrownBy(() -> allocator.allocate(Instant.EPOCH)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("The allocator was called off the master's context");
    assertThatThrownBy(() -> allocator.updateWeights(java.util.Map.of("eng", 2.0))).isInstanceOf(AssertionError.class);
  }

  /** So that no allocator call, a new one included, escapes the check by falling through to a default method. */
  @Test
  void theConfinedAllocatorChecksEveryAllocatorMethod() throws Exception {
    for (Method method : Allocator.class.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      assertThat(ConfinedAllocator.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
          .as(method.toString()).isEqualTo(ConfinedAllocator.class);
    }
  }

  private static final class NoTimers implements Timers {
    @Override
    public long schedule(Duration delay, Runnable action) {
      return 0;
    }

    @Override
    public void cancel(long timerId) {
    }
  }
}
