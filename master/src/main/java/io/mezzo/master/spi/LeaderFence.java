package io.mezzo.master.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Proof that this master leads, for one term: what every leader-only action checks first.
 *
 * <p>Locally it is a flag: {@link #holds()} is true from the election until the first
 * {@link #breakFence(String)}, which the election calls the moment it doubts the leadership (a
 * suspended or lost ZooKeeper session, a lost latch), on whatever thread learns it, before the
 * news reaches the master's context. So a guard that asks {@link #holds()} right before sending an
 * offer or a launch stops at once, not one event-loop turn later.
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

  /**
   * @param node the ZooKeeper node that exists while this term holds
   * @param onBroken told why, once, when the fence breaks; must not block
   */
  public LeaderFence(String node, Consumer<String> onBroken) {
    this.node = Objects.requireNonNull(node, "node");
    this.onBroken = Objects.requireNonNull(onBroken, "onBroken");
  }

  /** The ZooKeeper node whose existence a registry write checks in its transaction. */
  public String node() {
    return node;
  }

  /** True until the fence breaks. Cheap, from any thread. */
  public boolean holds() {
    return brokenBecause.get() == null;
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
