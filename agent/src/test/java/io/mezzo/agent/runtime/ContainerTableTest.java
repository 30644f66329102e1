package io.mezzo.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.runtime.GracefulKillTest.Box;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.Termination;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContainerTableTest {
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final List<String> kills = new CopyOnWriteArrayList<>();
  private final AtomicInteger released = new AtomicInteger();
  private final ContainerTable<Box> table = new ContainerTable<>((box, grace) -> {
    kills.add(box.containerId() + " after " + grace);
    return Future.succeededFuture();
  });

  @Test
  void closeKillsEveryContainerAndCompletesOnceAllHaveEnded() {
    Box a = new Box("a");
    Box b = new Box("b");
    table.add(a);
    table.add(b);

    Future<Void> closed = table.close(GRACE, released::incrementAndGet);

    assertThat(kills).containsExactlyInAnyOrder("a after PT5S", "b after PT5S");
    assertThat(closed.isComplete()).isFalse();
    a.end(Termination.signalled(15, true));
    assertThat(closed.isComplete()).isFalse();
    assertThat(released).hasValue(0);
    b.end(Termination.signalled(9, true));
    assertThat(closed.succeeded()).isTrue();
    assertThat(released).hasValue(1);
  }

  @Test
  void closingAgainKillsNothingMoreAndCompletesTheSameWay() {
    Box a = new Box("a");
    table.add(a);
    Future<Void> first = table.close(GRACE, released::incrementAndGet);

    Future<Void> second = table.close(Duration.ZERO, released::incrementAndGet);

    assertThat(second).isSameAs(first);
    assertThat(kills).containsExactly("a after PT5S");
    a.end(Termination.exited(0, true));
    assertThat(second.succeeded()).isTrue();
    assertThat(released).hasValue(1);
  }

  @Test
  void anEmptyTableClosesAtOnce() {
    Future<Void> closed = table.close(GRACE, released::incrementAndGet);

    assertThat(closed.succeeded()).isTrue();
    assertThat(released).hasValue(1);
    assertThat(kills).isEmpty();
  }

  @Test
  void aReleaseThatFailsStillCompletesTheClose() {
    Future<Void> closed = table.close(GRACE, () -> {
      throw new IllegalStateException("client already closed");
    });

    assertThat(closed.succeeded()).isTrue();
  }

  @Test
  void launchesAreRefusedOnceClosed() {
    table.checkOpen();

    table.close(GRACE, released::incrementAndGet);

    assertThatThrownBy(table::checkOpen)
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessage("The agent is shutting down");
  }

  @Test
  void aContainerAddedAfterCloseIsKilledAtOnce() {
    table.close(GRACE, released::incrementAndGet);

    table.add(new Box("late"));

    assertThat(kills).containsExactly("late after PT0S");
  }

  @Test
  void killFindsTheContainerByIdAndIgnoresUnknownOnes() {
    Box a = new Box("a");
    table.add(a);

    assertThat(table.kill("a", GRACE).succeeded()).isTrue();
    assertThat(table.kill("unknown", GRACE).succeeded()).isTrue();

    assertThat(kills).containsExactly("a after PT5S");
  }

  @Test
  void anEndedContainerLeavesTheTable() {
    Box a = new Box("a");
    table.add(a);
    assertThat(table.contains("a")).isTrue();

    table.remove(a);

    assertThat(table.contains("a")).isFalse();
    assertThat(table.kill("a", GRACE).succeeded()).isTrue();
    assertThat(kills).isEmpty();
  }
}
