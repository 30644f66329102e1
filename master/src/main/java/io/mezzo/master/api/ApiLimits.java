package io.mezzo.master.api;

import java.time.Duration;

/**
 * How much memory the master's HTTP APIs may take: the request bodies in flight together, one
 * body per endpoint family, and the unsent events queued on one stream, in bytes; and how long a
 * request's body may take to arrive, since a slow upload holds its share of the in-flight budget.
 *
 * @param inflightBodyBytes what all request bodies being read may take together; beyond it a
 *     request gets 503 with {@code Retry-After} before its body is read
 * @param callBodyBytes the largest body of a scheduler call or an agent-channel call (413 beyond)
 * @param operatorBodyBytes the largest body of an operator API call (413 beyond)
 * @param streamQueueBytes the unsent events one stream (a framework's subscription, an agent's
 *     channel) may queue; a stream whose reader falls that far behind is closed
 * @param bodyReadTimeout how long a request's body may take to arrive once its headers are in;
 *     beyond it the request gets 408 and its connection is closed
 * @param subscriptionsPerPrincipal the event streams (framework subscriptions and operator
 *     subscriptions together) one authenticated principal may hold open; one more gets 429
 */
public record ApiLimits(long inflightBodyBytes, long callBodyBytes, long operatorBodyBytes, long streamQueueBytes,
    Duration bodyReadTimeout, int subscriptionsPerPrincipal) {
  /** Scheduler calls and agent calls: a RECONCILE of 20,000 tasks or an agent with thousands of tasks fits. */
  public static final long DEFAULT_CALL_BODY_BYTES = 4L * 1024 * 1024;
  /** Operator calls (quota, weights, reservations) are small. */
  public static final long DEFAULT_OPERATOR_BODY_BYTES = 1024L * 1024;
  /** Per stream: thousands of status updates or offers behind before the stream is given up. */
  public static final long DEFAULT_STREAM_QUEUE_BYTES = 8L * 1024 * 1024;
  /** A 4 MB call at 200 KB/s; a client slower than that is more likely stuck or hostile. */
  public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(20);
  /**
   * Streams per principal: many frameworks of one kind (one principal) and a few operator pages,
   * while one principal's streams, each queueing up to {@link #DEFAULT_STREAM_QUEUE_BYTES}, stay
   * within a heap's reach and cannot push every other operator stream out.
   */
  public static final int DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL = 100;

  public ApiLimits {
    positive("inflight body bytes", inflightBodyBytes);
    positive("call body bytes", callBodyBytes);
    positive("operator body bytes", operatorBodyBytes);
    positive("stream queue bytes", streamQueueBytes);
    if (bodyReadTimeout == null || bodyReadTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException("body read timeout must be at least 1 ms, got " + bodyReadTimeout);
    }
    positive("subscriptions per principal", subscriptionsPerPrincipal);
    if (streamQueueBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stream queue bytes must be at most " + Integer.MAX_VALUE
          + ", got " + streamQueueBytes);
    }
  }

  /** With the default subscriptions per principal. */
  public ApiLimits(long inflightBodyBytes, long callBodyBytes, long operatorBodyBytes, long streamQueueBytes,
      Duration bodyReadTimeout) {
    this(inflightBodyBytes, callBodyBytes, operatorBodyBytes, streamQueueBytes, bodyReadTimeout,
        DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL);
  }

  /** With the default body read timeout and subscriptions per principal. */
  public ApiLimits(long inflightBodyBytes, long callBodyBytes, long operatorBodyBytes, long streamQueueBytes) {
    this(inflightBodyBytes, callBodyBytes, operatorBodyBytes, streamQueueBytes, DEFAULT_BODY_READ_TIMEOUT);
  }

  /** The defaults, with the in-flight budget a quarter of this JVM's maximum heap. */
  public static ApiLimits defaults() {
    return new ApiLimits(defaultInflightBodyBytes(), DEFAULT_CALL_BODY_BYTES, DEFAULT_OPERATOR_BODY_BYTES,
        DEFAULT_STREAM_QUEUE_BYTES);
  }

  /** A quarter of the maximum heap: bodies are copied once more while decoded, and the state needs the rest. */
  public static long defaultInflightBodyBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  public ApiLimits withInflightBodyBytes(long bytes) {
    return new ApiLimits(bytes, callBodyBytes, operatorBodyBytes, streamQueueBytes, bodyReadTimeout, subscriptionsPerPrincipal);
  }

  public ApiLimits withCallBodyBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, bytes, operatorBodyBytes, streamQueueBytes, bodyReadTimeout, subscriptionsPerPrincipal);
  }

  public ApiLimits withOperatorBodyBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, bytes, streamQueueBytes, bodyReadTimeout, subscriptionsPerPrincipal);
  }

  public ApiLimits withStreamQueueBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, operatorBodyBytes, bytes, bodyReadTimeout, subscriptionsPerPrincipal);
  }

  public ApiLimits withBodyReadTimeout(Duration timeout) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, operatorBodyBytes, streamQueueBytes, timeout, subscriptionsPerPrincipal);
  }

  public ApiLimits withSubscriptionsPerPrincipal(int subscriptions) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, operatorBodyBytes, streamQueueBytes, bodyReadTimeout,
        subscriptions);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
