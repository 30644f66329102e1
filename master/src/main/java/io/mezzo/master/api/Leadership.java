package io.mezzo.master.api;

import io.mezzo.master.registry.OperatorState;
import io.mezzo.master.state.ClusterState;
import java.util.Objects;

/**
 * This master's part in the cluster, as one value. The master holds exactly one and replaces it
 * whole, on its context, when the election or the registry read moves it on, so no reader sees a
 * half-changed combination (leading without state, recovering and leading at once). The value is
 * immutable, so a reader on another thread that only asks which kind it is gets a safe view; the
 * {@link ClusterState} inside a {@link Leading} stays the context's alone.
 *
 * <p>{@code term} counts the elections this master has won; a registry read started in one term
 * is ignored when it completes in another.
 *
 * <pre>
 *   Follower(t) --elected--> Recovering(t+1) --recovered--> Leading(t+1, state, operator)
 *        ^                         |                               |
 *        +--------stepDown---------+---------------stepDown--------+
 * </pre>
 */
public sealed interface Leadership {
  /** The number of elections this master had won when the value was made. */
  long term();

  /** A master that has never led. */
  static Follower initial() {
    return new Follower(0);
  }

  /** Not leading: the leader gate redirects API calls to the leader, or answers 503 when none is known. */
  default Follower stepDown() {
    return new Follower(term());
  }

  /** Not elected (or no longer): the APIs are the leader's. */
  record Follower(long term) implements Leadership {
    /** Won an election: a new term starts with reading the registry. */
    public Recovering elected() {
      return new Recovering(term + 1);
    }
  }

  /** Elected and reading the registry: API calls get 503 until it is read. */
  record Recovering(long term) implements Leadership {
    /** The registry was read: this master serves the APIs from {@code state} and {@code operator}. */
    public Leading recovered(ClusterState state, OperatorState operator) {
      return new Leading(term, state, operator);
    }
  }

  /** Leading with the recovered registry: the APIs are served from this state. */
  record Leading(long term, ClusterState state, OperatorState operator) implements Leadership {
    public Leading {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(operator, "operator");
    }
  }
}
