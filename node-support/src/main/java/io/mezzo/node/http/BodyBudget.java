package io.mezzo.node.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all request bodies being read may take together on one node. A body reserves its
 * declared length (or each chunk as it arrives) before a byte of it is buffered, and gives it
 * back when its request is done, fails or loses its connection. Safe from any thread; only a
 * node's HTTP routes reserve, anyone may read the figures (metrics, tests).
 */
public final class BodyBudget {
  private final long limit;
  private final AtomicLong inUse = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  public BodyBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("The body budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Takes {@code bytes} if they fit; false (and nothing taken) if they would exceed the limit. */
  boolean tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("Cannot reserve " + bytes + " bytes");
    }
    while (true) {
      long now = inUse.get();
      long next = now + bytes;
      if (next > limit) {
        return false;
      }
      if (inUse.compareAndSet(now, next)) {
        peak.accumulateAndGet(next, Math::max);
        return true;
      }
    }
  }

  /** Gives back what {@link #tryReserve} took; the caller releases each reservation once. */
  void release(long bytes) {
    long after = inUse.addAndGet(-bytes);
    if (after < 0) {
      throw new IllegalStateException("Released more than was reserved (" + after + " bytes in use)");
    }
  }

  /** The most all bodies in flight may take together. */
  public long limit() {
    return limit;
  }

  /** What the bodies in flight take now. */
  public long inUse() {
    return inUse.get();
  }

  /** The most ever reserved at once. */
  public long peak() {
    return peak.get();
  }
}
