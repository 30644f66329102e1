package io.mezzo.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import org.junit.jupiter.api.Test;

class ScalarResourcesTest {

  @Test
  void sumsTheScalarResourcesOfAnOfferByName() {
    Offer offer = TestData.offer("o-1", "a-1",
        Resources.cpus(1.5), Resources.cpus(0.5), Resources.mem(1024), Resources.ports(31000, 31999));
    ScalarResources free = ScalarResources.of(offer);
    assertThat(free.cpus()).isEqualTo(2.0);
    assertThat(free.mem()).isEqualTo(1024.0);
    assertThat(free.disk()).isZero();
    assertThat(free.names()).containsExactly("cpus", "mem");
    assertThat(free).hasToString("cpus:2;mem:1024");
  }

  @Test
  void usesThreeDecimalFixedPointArithmetic() {
    ScalarResources tenth = ScalarResources.of("cpus", 0.1);
    ScalarResources three = tenth.plus(tenth).plus(tenth);
    assertThat(three).isEqualTo(ScalarResources.of("cpus", 0.3));
    assertThat(ScalarResources.of("cpus", 0.3).covers(three)).isTrue();
    assertThat(ScalarResources.of("cpus", 1).minus(tenth.times(3)).cpus()).isEqualTo(0.7);
    assertThat(ScalarResources.of("cpus", 1).fitCount(tenth)).isEqualTo(10);
  }

  @Test
  void coversComparesEveryQuantity() {
    ScalarResources offer = ScalarResources.of(Resources.cpus(2), Resources.mem(512));
    assertThat(offer.covers(ScalarResources.of(Resources.cpus(2), Resources.mem(512)))).isTrue();
    assertThat(offer.covers(ScalarResources.of(Resources.cpus(1)))).isTrue();
    assertThat(offer.covers(ScalarResources.of(Resources.cpus(1), Resources.mem(513)))).isFalse();
    assertThat(offer.covers(ScalarResources.of("gpus", 1))).isFalse();
    assertThat(offer.covers(ScalarResources.empty())).isTrue();
  }

  @Test
  void minusNeverGoesBelowZero() {
    ScalarResources rest = ScalarResources.of(Resources.cpus(1), Resources.mem(100))
        .minus(ScalarResources.of(Resources.cpus(2), Resources.mem(40), Resources.disk(5)));
    assertThat(rest).isEqualTo(ScalarResources.of("mem", 60));
    assertThat(rest.cpus()).isZero();
  }

  @Test
  void fitCountIsLimitedByTheScarcestResource() {
    ScalarResources offer = ScalarResources.of(Resources.cpus(1), Resources.mem(100));
    ScalarResources task = ScalarResources.of(Resources.cpus(0.1), Resources.mem(32));
    assertThat(offer.fitCount(task)).isEqualTo(3);
    assertThat(offer.covers(task.times(3))).isTrue();
    assertThat(offer.covers(task.times(4))).isFalse();
    assertThat(offer.fitCount(ScalarResources.of("gpus", 1))).isZero();
    assertThatThrownBy(() -> offer.fitCount(ScalarResources.empty())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void convertsBackToResources() {
    assertThat(ScalarResources.of(Resources.mem(64), Resources.cpus(0.25)).toResources())
        .containsExactly(Resources.cpus(0.25), Resources.mem(64));
  }

  @Test
  void refusesNegativeOrNonFiniteQuantities() {
    assertThatThrownBy(() -> ScalarResources.of("cpus", -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpus");
    assertThatThrownBy(() -> Resources.scalar("mem", Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Resources.ranges("ports", 10, 9)).isInstanceOf(IllegalArgumentException.class);
    Resource ports = Resources.ports(31000, 31009);
    assertThat(ports.getRanges().getRange(0).getEnd()).isEqualTo(31009);
  }
}
