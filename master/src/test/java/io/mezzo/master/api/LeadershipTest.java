package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.api.Leadership.Follower;
import io.mezzo.master.api.Leadership.Recovering;
import org.junit.jupiter.api.Test;

/** The leadership value's transitions and the term that tells a stale registry read apart. */
class LeadershipTest {

  @Test
  void eachElectionStartsANewTermAndSteppingDownKeepsIt() {
    Follower never = Leadership.initial();
    Recovering first = never.elected();
    Follower down = first.stepDown();
    Recovering second = down.elected();

    assertThat(never.term()).isZero();
    assertThat(first.term()).isEqualTo(1);
    assertThat(down.term()).isEqualTo(1);
    assertThat(second.term()).isEqualTo(2);
    assertThat(second).as("a read started in the first term is not for the second").isNotEqualTo(first);
  }

  @Test
  void leadingNeedsItsStateAndOperatorState() {
    assertThatThrownBy(() -> Leadership.initial().elected().recovered(null, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("state");
  }
}
