package io.mezzo.agent.runtime.oci;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * Docker image names resolved to image ids, each answer reused for a short while: a burst of
 * launches of one image (a hundred replicas at once) asks the engine a few times instead of once
 * per container. A tag moved to another image in the engine is therefore seen by launches that
 * start at most {@link #REUSE} after the move (Swarm resolves a service's image once for all its
 * replicas). Concurrent callers for one name share one question; failures are not kept.
 *
 * <p>Thread-safe; {@link #idOf} blocks while the engine is asked.
 */
final class RecentImageIds {
  /** How long an answer is reused. */
  static final Duration REUSE = Duration.ofSeconds(2);

  private record Answer(String imageId, Instant at) {}

  private final UnaryOperator<String> inspect;
  private final Clock clock;
  private final Duration reuse;
  private final ConcurrentMap<String, Answer> answers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  /** @param inspect asks the engine for a name's image id; its exceptions reach the caller */
  RecentImageIds(UnaryOperator<String> inspect, Clock clock, Duration reuse) {
    this.inspect = Objects.requireNonNull(inspect, "inspect");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reuse = Objects.requireNonNull(reuse, "reuse");
  }

  /** The image id of {@code name}: an answer at most {@code reuse} old, or the engine's now. */
  String idOf(String name) {
    String id = fresh(name);
    if (id != null) {
      return id;
    }
    synchronized (locks.computeIfAbsent(name, n -> new Object())) {
      id = fresh(name);
      if (id != null) {
        return id;
      }
      Instant asked = clock.instant();
      id = inspect.apply(name);
      answers.put(name, new Answer(id, asked));
      return id;
    }
  }

  /** Drops what is known of {@code name}: the next launch asks the engine. */
  void forget(String name) {
    answers.remove(name);
  }

  private String fresh(String name) {
    Answer answer = answers.get(name);
    return answer != null && !clock.instant().isAfter(answer.at().plus(reuse)) ? answer.imageId() : null;
  }
}
