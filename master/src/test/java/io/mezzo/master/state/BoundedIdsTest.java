package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedIdsTest {
  @Test
  void keepsTheNewestInTheOrderTheyCameAndForgetsTheOldestBeyondItsCapacity() {
    BoundedIds ids = new BoundedIds(3);
    ids.addAll(List.of("a", "b", "c"));
    assertThat(ids.add("b")).as("already held").isFalse();
    assertThat(ids).containsExactly("a", "b", "c");

    assertThat(ids.add("d")).isTrue();
    assertThat(ids).containsExactly("b", "c", "d");
    assertThat(ids.contains("a")).isFalse();

    assertThat(ids.remove("c")).isTrue();
    ids.add("e");
    assertThat(ids).containsExactly("b", "d", "e");
  }
}
