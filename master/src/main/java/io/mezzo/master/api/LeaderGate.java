package io.mezzo.master.api;

import io.mezzo.master.state.ClusterState;
import java.util.Optional;

/** Tells the HTTP handlers whether this master leads and, if not, where the leader is. Read on the state context. */
public interface LeaderGate {
  /** The cluster state when this master leads, otherwise null. */
  ClusterState leading();

  /** The leader's {@code host:port} when another master leads, if known. */
  Optional<String> leaderHostPort();

  /**
   * True while this master was elected but has not finished reading the registry; API calls
   * then get 503 "Master has not finished recovery" instead of a redirect.
   */
  default boolean recovering() {
    return false;
  }
}
