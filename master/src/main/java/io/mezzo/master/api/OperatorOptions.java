package io.mezzo.master.api;

import io.mezzo.master.state.ClusterState;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.Protos.VersionInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the operator API needs from the master beyond its state: the facts GET_FLAGS,
 * GET_VERSION and GET_MASTER answer, the logging levels SET_LOGGING_LEVEL changes, and how the
 * operator event stream runs (heartbeat interval, subscriber cap, the recent offer events sent
 * after SUBSCRIBED).
 *
 * @param flags the master's flags by name, values as strings (GET_FLAGS), in order
 * @param version this build (GET_VERSION)
 * @param startTime when this master started (GET_MASTER {@code start_time})
 * @param electedTime when this master last became leader, while it leads (GET_MASTER {@code elected_time})
 * @param logging the levels SET_LOGGING_LEVEL changes
 * @param heartbeatInterval time between HEARTBEATs on each operator stream
 * @param maxSubscribers operator streams open at once; one more closes the oldest
 * @param offerHistory the recent offer events a new subscriber gets right after SUBSCRIBED, read on the
 *     state's context
 */
public record OperatorOptions(Map<String, String> flags, VersionInfo version, Instant startTime,
    Supplier<Optional<Instant>> electedTime, LoggingLevels logging, Duration heartbeatInterval, int maxSubscribers,
    Function<ClusterState, List<Event>> offerHistory) {
  /** Mesos's {@code --max_operator_event_stream_subscribers}. */
  public static final int DEFAULT_MAX_SUBSCRIBERS = 1000;
  /**
   * The offer-history hook, until the state keeps a history of recent offer events: none. The
   * master passes this in {@code MasterVerticle}; once {@code ClusterState.recentOfferEvents()}
   * exists, pass {@code ClusterState::recentOfferEvents} there instead.
   */
  public static final Function<ClusterState, List<Event>> NO_OFFER_HISTORY = state -> List.of();

  public OperatorOptions {
    flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(electedTime, "electedTime");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(offerHistory, "offerHistory");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("heartbeatInterval must be positive, got " + heartbeatInterval);
    }
    if (maxSubscribers < 1) {
      throw new IllegalArgumentException("maxSubscribers must be at least 1, got " + maxSubscribers);
    }
  }

  /** Defaults for a master whose facts are not known (tests that build the router alone). */
  public static OperatorOptions defaults(Clock clock, LoggingLevels logging) {
    return new OperatorOptions(Map.of(), VersionInfo.newBuilder().setVersion(MezzoVersion.get()).build(),
        clock.instant(), Optional::empty, logging, Duration.ofSeconds(15), DEFAULT_MAX_SUBSCRIBERS, NO_OFFER_HISTORY);
  }

  /** The same options with another subscriber cap and heartbeat interval (tests). */
  public OperatorOptions withStream(Duration heartbeatInterval, int maxSubscribers) {
    return new OperatorOptions(flags, version, startTime, electedTime, logging, heartbeatInterval, maxSubscribers,
        offerHistory);
  }
}
