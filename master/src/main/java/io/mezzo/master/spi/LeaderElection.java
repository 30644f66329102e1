package io.mezzo.master.spi;

import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Elects one leading master among the candidates and tells every candidate who leads.
 *
 * <p>Implementations deliver both callbacks on the master's state context (never
 * concurrently with other master work), in the order the changes happened, and
 * idempotently: the same {@link LeaderFence} twice in a row, or empty twice, means nothing new.
 * A term ends with an empty {@code leadership} call before another fence is handed out.
 *
 * <p>On a doubt that may clear up (a suspended ZooKeeper connection) they suspend the current
 * fence at once, on the thread that learns it, and resume it, without any callback, once ZooKeeper
 * shows the term's session and latch node survived; the master keeps its term's state meanwhile
 * and does nothing as leader. On a certainty (a lost session, a latch node gone) they break the
 * fence at once and then call {@code leadership(Optional.empty())}, so that two masters never act
 * as leader together. Whoever finds the fence refused (a registry write)
 * breaks it with {@link LeaderFence#breakFence}: the implementation then steps down and joins
 * the election again.
 */
public interface LeaderElection {

  /**
   * Joins the election, publishing {@code masterInfoJson} (MasterInfo in Mesos JSON) where
   * Mesos clients look for it while this candidate leads.
   *
   * @param leadership called with the term's fence when this candidate becomes leader, empty when it stops
   * @param leaderChanged called with the current leader's MasterInfo (empty when none is known): first when the
   *     candidate has a view, then when the leader changes
   * @return completes once the candidate has joined
   */
  Future<Void> start(String masterInfoJson, Consumer<Optional<LeaderFence>> leadership,
      Consumer<Optional<MasterInfo>> leaderChanged);

  /**
   * The candidates in the election now, as ZooKeeper lists them, each with the address it joined
   * with ({@code host:port}, the master's advertised address) and whether it is the one the
   * election names leader. A candidate that died stays listed until its ZooKeeper session expires,
   * so a listed leader may be unreachable for that long.
   *
   * <p>Callable from any thread, any number of times; the ZooKeeper reads run on a worker, never on
   * an event loop, and the future completes on the master's context. Before the candidate has
   * joined it is already complete with an empty list; if ZooKeeper cannot be read it fails.
   */
  Future<List<Participant>> participants();

  /** Leaves the election (breaking a held fence first) and removes what it published. Idempotent. */
  Future<Void> close();

  /**
   * One candidate of the election.
   *
   * @param address its advertised {@code host:port}
   * @param leader whether the election names it leader
   */
  record Participant(String address, boolean leader) {}
}
