package io.mezzo.master.spi;

import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Future;
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
 * <p>On any doubt (a suspended or lost ZooKeeper connection) they break the current fence at once,
 * on the thread that learns it, and then call {@code leadership(Optional.empty())}, so that two
 * masters never act as leader together. Whoever finds the fence refused (a registry write)
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

  /** Leaves the election (breaking a held fence first) and removes what it published. Idempotent. */
  Future<Void> close();
}
