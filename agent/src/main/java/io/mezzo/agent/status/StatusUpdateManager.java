package io.mezzo.agent.status;

import com.google.protobuf.ByteString;
import io.mezzo.agent.support.Timers;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each task's status updates reliably and in order, as the Mesos agent's
 * status-update manager does: every update gets a fresh uuid; only the head of a task's
 * queue is in flight; it is re-sent with exponential backoff (10 s, doubling, at most 10 min)
 * until an acknowledgement with its uuid arrives, and only then does the task's next update
 * go. Once a task's terminal update is acknowledged the task is forgotten.
 *
 * <p>Not thread-safe: the agent calls it, and its timers fire, on the agent's context.
 */
public final class StatusUpdateManager {
  public static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  public static final Duration MAX_RETRY = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(StatusUpdateManager.class);

  private final Clock clock;
  private final Timers timers;
  private final Supplier<AgentID> agentId;
  private final Consumer<StatusUpdate> sender;
  private final BiConsumer<FrameworkID, TaskID> terminalAcknowledged;
  private final PendingListener pendingListener;
  private final Map<Key, Stream> streams = new LinkedHashMap<>();
  private Consumer<TaskStatus> queuedListener = status -> { };
  private boolean closed;

  /**
   * @param timers timers whose actions run on the caller's context
   * @param agentId the agent's id, stamped on each update when it is created
   * @param sender sends one update to the master; fire and forget (a lost send is retried)
   * @param terminalAcknowledged told when a task's terminal update has been acknowledged
   */
  public StatusUpdateManager(
      Clock clock,
      Timers timers,
      Supplier<AgentID> agentId,
      Consumer<StatusUpdate> sender,
      BiConsumer<FrameworkID, TaskID> terminalAcknowledged) {
    this(clock, timers, agentId, sender, terminalAcknowledged, (frameworkId, taskId, pending) -> { });
  }

  /**
   * Told, on the caller's context, whenever a task's unacknowledged updates change (one was
   * queued or acknowledged), with all of them in order, so that they can be checkpointed.
   */
  @FunctionalInterface
  public interface PendingListener {
    void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending);
  }

  /** As the other constructor, also telling {@code pendingListener} of every change to a task's pending updates. */
  public StatusUpdateManager(
      Clock clock,
      Timers timers,
      Supplier<AgentID> agentId,
      Consumer<StatusUpdate> sender,
      BiConsumer<FrameworkID, TaskID> terminalAcknowledged,
      PendingListener pendingListener) {
    this.pendingListener = Objects.requireNonNull(pendingListener, "pendingListener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.agentId = Objects.requireNonNull(agentId, "agentId");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.terminalAcknowledged = Objects.requireNonNull(terminalAcknowledged, "terminalAcknowledged");
  }

  /**
   * Queues an update for its task, stamping uuid, source (SOURCE_EXECUTOR unless set), agent
   * id, executor id (the task id for command tasks, unless set) and timestamp; sends it now when nothing of the task is in
   * flight. After {@link #close} the update is dropped.
   *
   * @return the update as it will be sent
   */
  public TaskStatus update(FrameworkID frameworkId, TaskStatus.Builder status) {
    status.setUuid(newUuid()).setTimestamp(clock.millis() / 1000.0);
    if (!status.hasSource()) {
      status.setSource(TaskStatus.Source.SOURCE_EXECUTOR);
    }
    if (!status.hasExecutorId()) {
      status.setExecutorId(ExecutorID.newBuilder().setValue(status.getTaskId().getValue()));
    }
    AgentID id = agentId.get();
    if (id != null) {
      status.setAgentId(id);
    }
    TaskStatus stamped = status.build();
    enqueue(frameworkId, stamped);
    return stamped;
  }

  /**
   * Queues an update that a custom executor sent (executor API UPDATE): its uuid and source
   * are kept, so that the scheduler's acknowledgement names the executor's uuid; the agent id
   * and (when missing) the timestamp are stamped. An update whose uuid this task's stream has
   * already received is a duplicate (an executor re-sending what it had no ACKNOWLEDGED for)
   * and is not queued again.
   *
   * @param status an update with a 16-byte uuid and an executor id
   * @return true when queued, false for a duplicate or after {@link #close}
   */
  public boolean forward(FrameworkID frameworkId, TaskStatus status) {
    Stream existing = streams.get(new Key(frameworkId.getValue(), status.getTaskId().getValue()));
    if (existing != null && existing.received.contains(status.getUuid())) {
      log.info("[framework={}] [task={}] ignoring duplicate {} (uuid {})", frameworkId.getValue(),
          status.getTaskId().getValue(), status.getState(), uuidText(status.getUuid()));
      return false;
    }
    TaskStatus.Builder stamped = status.toBuilder();
    if (!stamped.hasTimestamp()) {
      stamped.setTimestamp(clock.millis() / 1000.0);
    }
    AgentID id = agentId.get();
    if (id != null) {
      stamped.setAgentId(id);
    }
    return enqueue(frameworkId, stamped.build());
  }

  private boolean enqueue(FrameworkID frameworkId, TaskStatus stamped) {
    if (closed) {
      log.info("[framework={}] [task={}] not sending {}: the agent is closing",
          frameworkId.getValue(), stamped.getTaskId().getValue(), stamped.getState());
      return false;
    }
    Key key = new Key(frameworkId.getValue(), stamped.getTaskId().getValue());
    Stream stream = streams.computeIfAbsent(key, k -> new Stream(frameworkId));
    stream.received.add(stamped.getUuid());
    stream.pending.addLast(stamped);
    queuedListener.accept(stamped);
    pendingListener.pendingChanged(frameworkId, stamped.getTaskId(), List.copyOf(stream.pending));
    log.debug("[framework={}] [task={}] queued {} ({} pending)",
        key.frameworkId, key.taskId, stamped.getState(), stream.pending.size());
    if (stream.pending.size() == 1) {
      sendHead(stream, FIRST_RETRY);
    }
    return true;
  }

  /** Tells {@code listener}, on the caller's context, of each update queued (once per update, not per retry). */
  public void onQueued(Consumer<TaskStatus> listener) {
    queuedListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Handles an ACKNOWLEDGE: when {@code uuid} is the task's in-flight update, stops retrying
   * it and sends the task's next update (or forgets the task after its terminal one).
   *
   * @return false when the acknowledgement matches nothing in flight (a duplicate or stale one)
   */
  public boolean acknowledge(FrameworkID frameworkId, TaskID taskId, ByteString uuid) {
    Key key = new Key(frameworkId.getValue(), taskId.getValue());
    Stream stream = streams.get(key);
    if (stream == null || stream.pending.isEmpty() || !stream.pending.peekFirst().getUuid().equals(uuid)) {
      log.warn("[framework={}] [task={}] ignoring acknowledgement of unknown update {}",
          key.frameworkId, key.taskId, uuidText(uuid));
      return false;
    }
    cancel(stream);
    TaskStatus acknowledged = stream.pending.removeFirst();
    pendingListener.pendingChanged(frameworkId, taskId, List.copyOf(stream.pending));
    log.debug("[framework={}] [task={}] {} acknowledged", key.frameworkId, key.taskId, acknowledged.getState());
    if (isTerminal(acknowledged.getState())) {
      streams.remove(key);
      terminalAcknowledged.accept(frameworkId, taskId);
    } else if (!stream.pending.isEmpty()) {
      sendHead(stream, FIRST_RETRY);
    }
    // A stream without pending updates stays until the terminal acknowledgement, so that the
    // uuids it has received still identify duplicates.
    return true;
  }

  /**
   * Restores a task's unacknowledged updates from a checkpoint after an agent restart, with
   * their uuids, so that acknowledgements of what was sent before the restart still match.
   * They are not sent until {@link #resendPending()} (on registration). Replaces nothing: a
   * task that already has a stream keeps it.
   */
  public void restore(FrameworkID frameworkId, List<TaskStatus> pending) {
    if (closed || pending.isEmpty()) {
      return;
    }
    Key key = new Key(frameworkId.getValue(), pending.get(0).getTaskId().getValue());
    if (streams.containsKey(key)) {
      return;
    }
    Stream stream = new Stream(frameworkId);
    for (TaskStatus status : pending) {
      stream.received.add(status.getUuid());
      stream.pending.addLast(status);
    }
    streams.put(key, stream);
    log.info("[framework={}] [task={}] restored {} unacknowledged updates", key.frameworkId, key.taskId, pending.size());
  }

  /** Sends every in-flight update again now, e.g. after (re-)registering with a master. */
  public void resendPending() {
    for (Stream stream : streams.values()) {
      if (!stream.pending.isEmpty()) {
        cancel(stream);
        sendHead(stream, FIRST_RETRY);
      }
    }
  }

  /** The updates not yet acknowledged, in flight first, per task. */
  public List<TaskStatus> pending(FrameworkID frameworkId, TaskID taskId) {
    Stream stream = streams.get(new Key(frameworkId.getValue(), taskId.getValue()));
    return stream == null ? List.of() : List.copyOf(stream.pending);
  }

  /** Stops every retry; updates not acknowledged are dropped. Idempotent. */
  public void close() {
    closed = true;
    streams.values().forEach(StatusUpdateManager::cancel);
    streams.clear();
  }

  public static boolean isTerminal(TaskState state) {
    return io.mezzo.protocol.TaskStates.isTerminal(state);
  }

  private void sendHead(Stream stream, Duration retryAfter) {
    TaskStatus head = stream.pending.peekFirst();
    // The timer is armed before the send so that whoever sees the send can move time past it.
    stream.backoff = retryAfter;
    stream.retry = timers.schedule(retryAfter, () -> retry(stream, head));
    sender.accept(StatusUpdate.newBuilder().setFrameworkId(stream.frameworkId).setStatus(head).build());
  }

  private void retry(Stream stream, TaskStatus head) {
    if (closed || stream.pending.peekFirst() != head) {
      return;
    }
    Duration next = stream.backoff.multipliedBy(2);
    log.info("[framework={}] [task={}] resending unacknowledged {} (uuid {}); next retry in {} s",
        stream.frameworkId.getValue(), head.getTaskId().getValue(), head.getState(), uuidText(head.getUuid()),
        (next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next).toSeconds());
    sendHead(stream, next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next);
  }

  private static void cancel(Stream stream) {
    if (stream.retry != null) {
      stream.retry.cancel();
      stream.retry = null;
    }
  }

  static ByteString newUuid() {
    UUID uuid = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array());
  }

  static String uuidText(ByteString bytes) {
    if (bytes.size() != 16) {
      return bytes.toStringUtf8();
    }
    ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
    return new UUID(buffer.getLong(), buffer.getLong()).toString();
  }

  private record Key(String frameworkId, String taskId) {}

  private static final class Stream {
    final FrameworkID frameworkId;
    final Deque<TaskStatus> pending = new ArrayDeque<>();
    final Set<ByteString> received = new HashSet<>();
    Timers.Timer retry;
    Duration backoff = FIRST_RETRY;

    Stream(FrameworkID frameworkId) {
      this.frameworkId = frameworkId;
    }
  }
}
