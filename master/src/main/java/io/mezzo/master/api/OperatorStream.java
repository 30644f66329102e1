package io.mezzo.master.api;

import io.mezzo.master.api.Leadership.Leading;
import io.mezzo.master.auth.ViewFilter;
import io.mezzo.master.state.ClusterObserver;
import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.Timers;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator event stream (SUBSCRIBE on {@code /api/v1}): SUBSCRIBED with a GET_STATE snapshot
 * and the heartbeat interval, the recent offer events, a HEARTBEAT, then every change the state
 * applies ({@link io.mezzo.master.state.ClusterObserver}) in the order it applied them, and a
 * HEARTBEAT every interval, each cut to what the subscriber's principal may see ({@link ViewFilter}). Each subscriber has its own bounded {@link HttpEventSink}: one that
 * does not read is closed with a logged reason, and the others go on. At most
 * {@link OperatorOptions#maxSubscribers()} streams are open; one more closes the oldest, as Mesos does.
 *
 * <p>The SUBSCRIBED snapshot is built on the master's context and encoded on a worker; the events
 * applied meanwhile wait in a bounded backlog and follow it. Used on the master's context only.
 */
final class OperatorStream {
  private static final Logger log = LoggerFactory.getLogger(OperatorStream.class);
  /** Events a subscriber may have waiting while its SUBSCRIBED snapshot is encoded. */
  static final int MAX_BACKLOG = 10_000;

  private final Vertx vertx;
  private final LeaderGate gate;
  private final Timers timers;
  private final long queueBytes;
  private final OperatorOptions options;
  /** Oldest first. */
  private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
  private final SubscriptionCap cap;
  private ClusterState observed;
  private boolean flushScheduled;
  private long heartbeatTimer = -1;

  /** @param cap the streams each principal may hold open, shared with the scheduler API's */
  OperatorStream(Vertx vertx, LeaderGate gate, Timers timers, long queueBytes, OperatorOptions options,
      SubscriptionCap cap) {
    this.cap = cap;
    this.vertx = vertx;
    this.gate = gate;
    this.timers = timers;
    this.queueBytes = queueBytes;
    this.options = options;
  }

  /** One open operator stream. {@code backlog} holds the events applied before its SUBSCRIBED went out; null once live. */
  private static final class Subscriber {
    final String id;
    final HttpEventSink<Event> sink;
    final Leading leading;
    /** What this subscriber's principal may see (view ACLs). */
    final ViewFilter.Stream view;
    List<Event> backlog = new ArrayList<>();
    /** Records applied in this turn of the context, not yet written; null when none. */
    Buffer pending;

    Subscriber(String id, HttpEventSink<Event> sink, Leading leading, ViewFilter.Stream view) {
      this.id = id;
      this.sink = sink;
      this.leading = leading;
      this.view = view;
    }
  }

  /**
   * @param view what the caller may see: events it may not are left out of its stream
   * @param principal the caller's authenticated principal, whose streams are counted
   */
  void subscribe(HttpServerRequest request, Leading leading, Codec codec, ViewFilter.Stream view,
      Optional<String> principal) {
    Runnable release = cap.open(principal);
    ClusterState state = leading.state();
    if (observed != state) {
      // A new leadership term: the streams of the old one saw their last event.
      closeAll("this master's leadership term ended");
      // Without subscribers the state need not build its events at all.
      state.observe(ClusterObserver.of(this::applied, () -> !subscribers.isEmpty()));
      observed = state;
    }
    while (subscribers.size() >= options.maxSubscribers()) {
      Subscriber oldest = subscribers.values().iterator().next();
      close(oldest, "there are more than " + options.maxSubscribers() + " operator subscribers");
    }
    String id = UUID.randomUUID().toString();
    HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
        // Never compressed, whatever Accept-Encoding says (as Mesos streams): each event must go out whole, now.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("Content-Type", codec.mediaType()).putHeader("Cache-Control", "no-cache");
    HttpEventSink<Event> sink = new HttpEventSink<>(response, request.connection(), codec, id, queueBytes);
    sink.readBy("operator=" + id);
    Subscriber subscriber = new Subscriber(id, sink, leading, view);
    subscribers.put(id, subscriber);
    response.endHandler(v -> release.run());
    response.closeHandler(v -> {
      release.run();
      sink.markClosed();
      subscribers.remove(id);
    });
    log.info("[operator={}] subscribed to the event stream ({} open)", id, subscribers.size());
    // The view filters on the context, in the order of the events that follow.
    Event subscribed = view.filter(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder().setGetState(state.getState())
            .setHeartbeatIntervalSeconds(options.heartbeatInterval().toMillis() / 1000.0)).build()).orElseThrow();
    List<Event> offerHistory = options.offerHistory().apply(state).stream()
        .flatMap(event -> view.filter(event).stream()).toList();
    vertx.executeBlocking(() -> RecordIO.encode(codec.encode(subscribed)), false).onComplete(encoded -> {
      if (encoded.failed()) {
        close(subscriber, "its SUBSCRIBED event could not be encoded: " + encoded.cause());
        return;
      }
      // SUBSCRIBED, the offer history, a first HEARTBEAT and what came meanwhile, as one opening write.
      Buffer opening = Buffer.buffer(encoded.result());
      offerHistory.forEach(event -> opening.appendBytes(RecordIO.encode(codec.encode(event))));
      opening.appendBytes(RecordIO.encode(codec.encode(heartbeat())));
      List<Event> backlog = subscriber.backlog;
      subscriber.backlog = null;
      if (backlog != null) {
        backlog.forEach(event -> opening.appendBytes(RecordIO.encode(codec.encode(event))));
      }
      // The next HEARTBEAT is due before this one is written: a reader that has it can count on the next.
      scheduleHeartbeat();
      sink.sendOpening(opening);
    });
  }

  /** Told each change on the master's context, in order. */
  private void applied(Event event) {
    Map<Codec, byte[]> encoded = new EnumMap<>(Codec.class);
    for (Subscriber subscriber : new ArrayList<>(subscribers.values())) {
      Event visible = subscriber.view.filter(event).orElse(null);
      if (visible == null) {
        continue;
      }
      if (subscriber.backlog != null) {
        if (subscriber.backlog.size() >= MAX_BACKLOG) {
          close(subscriber, MAX_BACKLOG + " events came while its SUBSCRIBED snapshot was being encoded");
        } else {
          subscriber.backlog.add(visible);
        }
        continue;
      }
      Codec codec = subscriber.sink.codec();
      if (subscriber.pending == null) {
        subscriber.pending = Buffer.buffer();
      }
      // Subscribers who see the event whole share its encoding.
      subscriber.pending.appendBytes(visible == event
          ? encoded.computeIfAbsent(codec, c -> RecordIO.encode(c.encode(event)))
          : RecordIO.encode(codec.encode(visible)));
      scheduleFlush();
    }
  }

  /**
   * The events one turn of the context applies (an allocation round's OFFER_CREATED, ...) go to each
   * stream in one write at the end of the turn, not one write and flush per event and stream: with
   * many subscribers those writes made the allocation round several times slower (docs/benchmarks.md).
   */
  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      vertx.getOrCreateContext().runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    for (Subscriber subscriber : new ArrayList<>(subscribers.values())) {
      Buffer records = subscriber.pending;
      if (records == null) {
        continue;
      }
      subscriber.pending = null;
      subscriber.sink.sendRecords(records);
      if (subscriber.sink.isClosed()) {
        // Closed for falling behind (logged by the sink); the close handler may come later.
        subscribers.remove(subscriber.id);
      }
    }
  }

  private void scheduleHeartbeat() {
    if (heartbeatTimer < 0 && !subscribers.isEmpty()) {
      heartbeatTimer = timers.schedule(options.heartbeatInterval(), this::heartbeatAll);
    }
  }

  /** Sends HEARTBEAT on every live stream, and closes those of a leadership term that ended. */
  void heartbeatAll() {
    heartbeatTimer = -1;
    Event beat = heartbeat();
    for (Subscriber subscriber : new ArrayList<>(subscribers.values())) {
      if (!gate.isCurrent(subscriber.leading)) {
        close(subscriber, "this master's leadership term ended");
      } else if (subscriber.backlog == null) {
        subscriber.sink.send(beat);
      }
    }
    scheduleHeartbeat();
  }

  /** The number of open operator streams (for tests and metrics). */
  int subscribers() {
    return subscribers.size();
  }

  private void closeAll(String why) {
    for (Subscriber subscriber : new ArrayList<>(subscribers.values())) {
      close(subscriber, why);
    }
  }

  private void close(Subscriber subscriber, String why) {
    log.info("[operator={}] closing the event stream: {}", subscriber.id, why);
    subscribers.remove(subscriber.id);
    subscriber.sink.close();
  }

  private static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }
}
