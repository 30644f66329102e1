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
 * idempotently: {@code leadership(true)} twice in a row is possible and means nothing new.
 * On any doubt (a suspended or lost ZooKeeper connection) they call {@code leadership(false)}
 * at once, so that two masters never act as leader together.
 */
public interface LeaderElection {

  /**
   * Joins the election, publishing {@code masterInfoJson} (MasterInfo in Mesos JSON) where
   * Mesos clients look for it while this candidate leads.
   *
   * @param leadership called with true when this candidate becomes leader, false when it stops
   * @param leaderChanged called with the current leader's MasterInfo (empty when none is known): first when the
   *     candidate has a view, then when the leader changes
   * @return completes once the candidate has joined
   */
  Future<Void> start(String masterInfoJson, Consumer<Boolean> leadership, Consumer<Optional<MasterInfo>> leaderChanged);

  /** Leaves the election and removes what it published. Idempotent. */
  Future<Void> close();
}
