package io.mezzo.master.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Proof that this master leads, for one term: what every leader-only action checks first.
 *
 * <p>Locally it is a flag: {@link #holds()} is true from the election until the fence is
 * <b>suspended</b> or <b>broken</b>, which the election does the moment it doubts the leadership,
 * on whatever thread learns it, before the news reaches the master's context. So a guard that asks
 * {@link #holds()} right before sending an offer or a launch stops at once, not one event-loop turn
 * later.
 *
 * <p>A doubt that may clear up <b>suspends</b> the term ({@link #suspend(String)}): the ZooKeeper
 * connection is SUSPENDED, but the session, and with it the latch node, may well be alive (the
 * client moves to another server of the ensemble, a short network cut heals). The term keeps its
 * state and its streams and does nothing as leader until the election, having seen ZooKeeper vouch
 * for the same session and the same latch node, calls {@link #resume(long)}. A certainty
 * <b>breaks</b> the term for good ({@link #breakFence(String)}): the session expired, the latch node
 * is gone, the master closes.
 *
 * <p>A fence may also carry a <b>lease</b>: a deadline on a monotonic ticker that the election
 * moves forward with each ZooKeeper round trip it completes, to the time the request was
 * <em>sent</em> plus the lease length ({@link #renew(long)}). Past the deadline the fence does not
 * hold. ZooKeeper cannot end the session before it last heard from the client plus the session
 * timeout, so a lease shorter than the session timeout runs out first: a master frozen for longer
 * (a {@code SIGSTOP}, a {@code docker pause}, a long GC pause) stops acting as leader the instant
 * it resumes, before Curator's thread has seen any disconnection. A lease that ran out is a doubt,
 * not a certainty: a reply to a request sent <em>after</em> the freeze proves the session (and so
 * the latch node) outlived it, and carries the lease forward again; a reply to one sent before it
 * does not, since it ends before now.
 *
 * <p>In ZooKeeper it is a node, {@link #node()}, that exists exactly while the term holds or may
 * resume (the leader's latch node, ephemeral to its session). Every registry write is one
 * transaction that checks the node still exists, so a write queued before a step-down, or sent by
 * a master whose session ZooKeeper already expired, changes nothing.
 *
 * <p>Thread-safe. Breaking is idempotent and final: {@code onBroken} runs once, on the breaking
 * thread, and must not block.
 */
public final class LeaderFence {
  private final String node;
  private final Consumer<String> onBroken;
  private final AtomicReference<String> brokenBecause = new AtomicReference<>();
  /** Null for a fence without a lease. */
  private final LongSupplier ticker;
  private final long leaseNanos;
  /** In {@link #ticker} nanoseconds; compared by difference, as {@link System#nanoTime()} asks. */
  private final AtomicLong deadline;
  /** Why the term is suspended, or null while it is not. Written under {@code this}. */
  private volatile String suspendedBecause;
  /** How many times the term was suspended: a resume is for the suspension it saw, not a later one. */
  private long suspensions;

  /**
   * A fence without a lease: it holds until broken.
   *
   * @param node the ZooKeeper node that exists while this term holds
   * @param onBroken told why, once, when the fence breaks; must not block
   */
  public LeaderFence(String node, Consumer<String> onBroken) {
    this.node = Objects.requireNonNull(node, "node");
    this.onBroken = Objects.requireNonNull(onBroken, "onBroken");
    this.ticker = null;
    this.leaseNanos = 0;
    this.deadline = new AtomicLong();
  }

  /**
   * A fence with a lease that runs {@code lease} from now, and from each {@link #renew(long)}.
   *
   * @param ticker monotonic nanoseconds ({@code System::nanoTime}, or a test's fake)
   * @param lease how long a ZooKeeper reply vouches for the leadership, counted from its request's
   *     sending; shorter than the session timeout
   */
  public LeaderFence(String node, LongSupplier ticker, Duration lease, Consumer<String> onBroken) {
    this.node = Objects.requireNonNull(node, "node");
    this.onBroken = Objects.requireNonNull(onBroken, "onBroken");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("The lease must be positive: " + lease);
    }
    this.leaseNanos = lease.toNanos();
    this.deadline = new AtomicLong(ticker.getAsLong() + leaseNanos);
  }

  /** The ZooKeeper node whose existence a registry write checks in its transaction. */
  public String node() {
    return node;
  }

  /**
   * True unless the fence is broken, suspended, or its lease has run out. Cheap, from any thread.
   */
  public boolean holds() {
    if (brokenBecause.get() != null || suspendedBecause != null) {
      return false;
    }
    return ticker == null || ticker.getAsLong() - deadline.get() <= 0;
  }

  /** True once the fence is broken: the term is over and nothing revives it. */
  public boolean isBroken() {
    return brokenBecause.get() != null;
  }

  /**
   * Why the fence does not hold now, if it does not: broken, suspended, or the lease ran out
   * (with how long ago). For logs and refusals.
   */
  public Optional<String> whyNotHolding() {
    String broken = brokenBecause.get();
    if (broken != null) {
      return Optional.of(broken);
    }
    String suspended = suspendedBecause;
    if (suspended != null) {
      return Optional.of("suspended: " + suspended);
    }
    if (ticker != null) {
      long overdue = ticker.getAsLong() - deadline.get();
      if (overdue > 0) {
        return Optional.of("the leader lease ran out " + Duration.ofNanos(overdue).toMillis() + "ms ago: no ZooKeeper"
            + " reply within " + Duration.ofNanos(leaseNanos).toMillis() + "ms of its request");
      }
    }
    return Optional.empty();
  }

  /**
   * Suspends the term: {@link #holds()} is false until {@link #resume(long)} for this suspension.
   * Called by the election on the thread that learns of the doubt; no-op on a broken fence.
   *
   * @return the suspension's number, for {@link #resume(long)}
   */
  public synchronized long suspend(String why) {
    Objects.requireNonNull(why, "why");
    suspensions++;
    if (brokenBecause.get() == null) {
      suspendedBecause = why;
    }
    return suspensions;
  }

  /** The number of the latest suspension (0 before any): read it before asking ZooKeeper whether to resume. */
  public synchronized long suspensions() {
    return suspensions;
  }

  /**
   * Ends suspension number {@code suspension}: the election has seen ZooKeeper vouch, since that
   * suspension began, for the same session and latch node. Refused (false) when the fence is broken
   * or was suspended again since, so an answer that raced a newer disconnection resumes nothing.
   * Also false when the term is not suspended (nothing to resume). Does not renew the lease: pair it
   * with {@link #renew(long)} for the same answer.
   */
  public synchronized boolean resume(long suspension) {
    if (brokenBecause.get() != null || suspension != suspensions || suspendedBecause == null) {
      return false;
    }
    suspendedBecause = null;
    return true;
  }

  /** Why the term is suspended, while it is. */
  public Optional<String> suspendedBecause() {
    return Optional.ofNullable(suspendedBecause);
  }

  /**
   * Extends the lease to {@code sentAt} plus its length, for a ZooKeeper request sent at
   * {@code sentAt} (on the fence's ticker) that has been answered: the session was alive then.
   * Called by the election's renewing thread; a renewal older than the one before changes nothing,
   * and one sent before the lease ran out cannot move the deadline past now. No-op on a fence
   * without a lease or a broken one.
   */
  public void renew(long sentAt) {
    if (ticker == null || isBroken()) {
      return;
    }
    long next = sentAt + leaseNanos;
    deadline.accumulateAndGet(next, (current, candidate) -> candidate - current > 0 ? candidate : current);
  }

  /** How long the lease still runs (zero once it ran out); empty for a fence without a lease. */
  public Optional<Duration> leaseLeft() {
    if (ticker == null) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(0, deadline.get() - ticker.getAsLong())));
  }

  /**
   * True when the lease ran out more than {@code grace} ago: no ZooKeeper answer has vouched for the
   * term for the lease plus {@code grace}. False on a fence without a lease.
   */
  public boolean overdueBy(Duration grace) {
    return ticker != null && ticker.getAsLong() - deadline.get() > grace.toNanos();
  }

  /** Why the fence broke, once it has. */
  public Optional<String> brokenBecause() {
    return Optional.ofNullable(brokenBecause.get());
  }

  /**
   * Ends the term for good: from now on {@link #holds()} is false, suspended or not. The first call
   * tells {@code onBroken}; later ones do nothing.
   */
  public void breakFence(String why) {
    if (brokenBecause.compareAndSet(null, Objects.requireNonNull(why, "why"))) {
      suspendedBecause = null;
      onBroken.accept(why);
    }
  }

  @Override
  public String toString() {
    return "LeaderFence[" + node + whyNotHolding().map(why -> ", not holding: " + why).orElse("") + "]";
  }
}
