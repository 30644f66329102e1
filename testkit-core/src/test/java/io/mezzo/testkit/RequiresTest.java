package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RequiresTest {
  @Test
  void aMetNeedLetsTheTestRun() {
    assertThatCode(() -> Requires.that(true, "docker")).doesNotThrowAnyException();
  }

  @Test
  void anUnmetNeedSkipsLocallyAndFailsInCi() {
    Class<? extends Throwable> expected = Requires.inCi() ? AssertionError.class : TestAbortedException.class;
    assertThatThrownBy(() -> Requires.that(false, "a Docker engine")).isInstanceOf(expected)
        .hasMessageContaining("a Docker engine");
  }
}
