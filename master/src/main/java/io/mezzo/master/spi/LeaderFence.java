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
 * <p>Locally it is a flag: {@link #holds()} is true from the election until the first
 * {@link #breakFence(String)}, which the election calls the moment it doubts the leadership (a
 * suspended or lost ZooKeeper session, a lost latch), on whatever thread learns it, before the
 * news reaches the master's context. So a guard that asks {@link #holds()} right before sending an
 * offer or a launch stops at once, not one event-loop turn later.
 *
 * <p>A fence may also carry a <b>lease</b>: a deadline on a monotonic ticker that the election
 * moves forward with each ZooKeeper round trip it completes, to the time the request was
 * <em>sent</em> plus the lease length ({@link #renew(long)}). Once the ticker passes the deadline
 * the fence breaks, on the thread that asks. ZooKeeper cannot end the session before it last heard
 * from the client plus the session timeout, so a lease shorter than the session timeout runs out
 * first: a master frozen for longer (a {@code SIGSTOP}, a {@code docker pause}, a long GC pause)
 * stops acting as leader the instant it resumes, before Curator's thread has seen any
 * disconnection.
 *
 * <p>In ZooKeeper it is a node, {@link #node()}, that exists exactly while the term holds (the
 * leader's latch node, ephemeral to its session). Every registry write is one transaction that
 * checks the node still exists, so a write queued before a step-down, or sent by a master whose
 * session ZooKeeper already expired, changes nothing.
 *
 * <p>Thread-safe. Breaking is idempotent: {@code onBroken} runs once, on the breaking thread, and
 * must not block.
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
   * True until the fence breaks, or its lease runs out (which breaks it: a late renewal does not
   * mend it). Cheap, from any thread.
   */
  public boolean holds() {
    if (brokenBecause.get() != null) {
      return false;
    }
    if (ticker != null) {
      long overdue = ticker.getAsLong() - deadline.get();
      if (overdue > 0) {
        breakFence("the leader lease ran out " + Duration.ofNanos(overdue).toMillis() + "ms ago: no ZooKeeper reply"
            + " within " + Duration.ofNanos(leaseNanos).toMillis() + "ms of its request");
        return false;
      }
    }
    return true;
  }

  /**
   * Extends the lease to {@code sentAt} plus its length, for a ZooKeeper request sent at
   * {@code sentAt} (on the fence's ticker) that has been answered: the session was alive then.
   * Called by the election's renewing thread; a renewal that arrives after the lease ran out, or
   * that is older than the one before, changes nothing. No-op on a fence without a lease.
   */
  public void renew(long sentAt) {
    if (ticker == null || !holds()) {
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

  /** Why the fence broke, once it has. */
  public Optional<String> brokenBecause() {
    return Optional.ofNullable(brokenBecause.get());
  }

  /**
   * Ends the term: from now on {@link #holds()} is false. The first call tells {@code onBroken};
   * later ones do nothing.
   */
  public void breakFence(String why) {
    if (brokenBecause.compareAndSet(null, Objects.requireNonNull(why, "why"))) {
      onBroken.accept(why);
    }
  }

  @Override
  public String toString() {
    return "LeaderFence[" + node + (holds() ? "" : ", broken: " + brokenBecause.get()) + "]";
  }
}
