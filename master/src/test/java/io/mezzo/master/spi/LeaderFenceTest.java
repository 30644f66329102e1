package io.mezzo.master.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fence's lease on a fake ticker: time moves only when the test moves it. */
class LeaderFenceTest {
  private static final Duration LEASE = Duration.ofMillis(6_667);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> broken = new CopyOnWriteArrayList<>();

  private LeaderFence fence() {
    return new LeaderFence("/mezzo/leader-latch/latch-0000000001", now::get, LEASE, broken::add);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void holdsForTheLeaseAndStopsHoldingOnceTheTickerPassesItWithoutAnyOtherEvent() {
    LeaderFence fence = fence();
    advance(LEASE);
    assertThat(fence.holds()).isTrue();
    assertThat(fence.leaseLeft()).contains(Duration.ZERO);

    // A frozen process resumes: the first look at the fence finds the lease gone.
    advance(Duration.ofNanos(1));
    assertThat(fence.holds()).isFalse();
    assertThat(fence.whyNotHolding()).hasValueSatisfying(why -> assertThat(why).contains("lease ran out"));
    // A doubt, not the end of the term: nothing is broken.
    assertThat(fence.isBroken()).isFalse();
    assertThat(broken).isEmpty();
  }

  @Test
  void aRenewalRunsFromWhenItsRequestWasSentNotFromWhenTheAnswerCame() {
    LeaderFence fence = fence();
    advance(Duration.ofSeconds(3));
    long sentAt = now.get();
    advance(Duration.ofSeconds(2));
    fence.renew(sentAt);
    assertThat(fence.leaseLeft()).contains(LEASE.minusSeconds(2));

    advance(LEASE.minusSeconds(2));
    assertThat(fence.holds()).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(fence.holds()).isFalse();
  }

  @Test
  void anAnswerToARequestSentBeforeAFreezeDoesNotMendARunOutLeaseButOneSentAfterItDoes() {
    LeaderFence fence = fence();
    long sentBeforeThePause = now.get();
    advance(Duration.ofSeconds(30));
    // The reply to the read sent before the pause arrives after it: too late to vouch for now.
    fence.renew(sentBeforeThePause);
    assertThat(fence.holds()).isFalse();
    // A read sent after the pause and answered: the session, and the latch node, outlived the pause.
    fence.renew(now.get());
    assertThat(fence.holds()).isTrue();
    assertThat(fence.leaseLeft()).contains(LEASE);
    assertThat(broken).isEmpty();
  }

  @Test
  void aSuspendedTermHoldsAgainOnlyWhenResumedForItsLatestSuspension() {
    LeaderFence fence = fence();
    long first = fence.suspend("the ZooKeeper connection is SUSPENDED");
    assertThat(fence.holds()).isFalse();
    assertThat(fence.suspendedBecause()).hasValue("the ZooKeeper connection is SUSPENDED");
    assertThat(fence.whyNotHolding()).hasValueSatisfying(why -> assertThat(why).startsWith("suspended: "));
    long second = fence.suspend("the ZooKeeper connection is SUSPENDED");
    assertThat(second).isGreaterThan(first);
    assertThat(fence.suspensions()).isEqualTo(second);

    // An answer to a check sent during the first suspension raced the second one: it resumes nothing.
    assertThat(fence.resume(first)).isFalse();
    assertThat(fence.holds()).isFalse();
    assertThat(fence.resume(second)).isTrue();
    assertThat(fence.holds()).isTrue();
    assertThat(fence.suspendedBecause()).isEmpty();
    // A renewal's answer asks to resume too: a term that is not suspended has nothing to resume.
    assertThat(fence.resume(second)).isFalse();
    assertThat(fence.holds()).isTrue();
    assertThat(broken).isEmpty();
  }

  @Test
  void aBrokenFenceStaysBrokenWhateverComesAfter() {
    LeaderFence fence = fence();
    long suspension = fence.suspend("the ZooKeeper connection is SUSPENDED");
    fence.breakFence("the ZooKeeper session was LOST");
    assertThat(fence.resume(suspension)).isFalse();
    fence.renew(now.get());
    fence.suspend("again");
    assertThat(fence.holds()).isFalse();
    assertThat(fence.isBroken()).isTrue();
    assertThat(fence.whyNotHolding()).hasValue("the ZooKeeper session was LOST");
    fence.breakFence("twice");
    assertThat(broken).containsExactly("the ZooKeeper session was LOST");
  }

  @Test
  void anOlderRenewalNeverShortensTheLease() {
    LeaderFence fence = fence();
    long early = now.get();
    advance(Duration.ofSeconds(2));
    long late = now.get();
    fence.renew(late);
    fence.renew(early);
    assertThat(fence.leaseLeft()).contains(LEASE);
  }

  @Test
  void aFenceWithoutALeaseHoldsUntilBrokenWhateverTheTime() {
    LeaderFence fence = new LeaderFence("/n", broken::add);
    fence.renew(0);
    assertThat(fence.holds()).isTrue();
    assertThat(fence.leaseLeft()).isEmpty();
    fence.breakFence("the ZooKeeper connection is SUSPENDED");
    assertThat(fence.holds()).isFalse();
    assertThat(broken).containsExactly("the ZooKeeper connection is SUSPENDED");
  }

  @Test
  void aLeaseMustBePositive() {
    assertThatThrownBy(() -> new LeaderFence("/n", now::get, Duration.ZERO, broken::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
