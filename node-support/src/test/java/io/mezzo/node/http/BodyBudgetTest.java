package io.mezzo.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  @Test
  void reservesUpToTheLimitAndRefusesBeyondIt() {
    BodyBudget budget = new BodyBudget(100);

    assertThat(budget.tryReserve(60)).isTrue();
    assertThat(budget.tryReserve(40)).isTrue();
    assertThat(budget.tryReserve(1)).as("one byte over the limit").isFalse();
    assertThat(budget.inUse()).isEqualTo(100);

    budget.release(60);
    assertThat(budget.tryReserve(61)).as("a refusal takes nothing").isFalse();
    assertThat(budget.tryReserve(60)).isTrue();
    budget.release(60);
    budget.release(40);

    assertThat(budget.inUse()).isZero();
    assertThat(budget.peak()).isEqualTo(100);
  }

  @Test
  void aBodyLargerThanTheWholeBudgetIsRefusedEvenWhenIdle() {
    BodyBudget budget = new BodyBudget(100);

    assertThat(budget.tryReserve(101)).isFalse();
    assertThat(budget.inUse()).isZero();
    assertThat(budget.peak()).isZero();
  }

  @Test
  void releasingMoreThanReservedIsABug() {
    BodyBudget budget = new BodyBudget(100);
    budget.tryReserve(10);

    assertThatThrownBy(() -> budget.release(11)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Released more than was reserved");
    assertThatThrownBy(() -> budget.tryReserve(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BodyBudget(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentReservationsNeverExceedTheLimit() throws Exception {
    BodyBudget budget = new BodyBudget(1000);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (budget.tryReserve(300)) {
            budget.release(300);
          }
        }
      });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join(30_000);
    }

    assertThat(budget.peak()).isLessThanOrEqualTo(1000);
    assertThat(budget.inUse()).isZero();
  }
}
