package io.mezzo.master.api;

/**
 * How much memory the master's HTTP APIs may take: the request bodies in flight together, one
 * body per endpoint family, and the unsent events queued on one stream. All in bytes.
 *
 * @param inflightBodyBytes what all request bodies being read may take together; beyond it a
 *     request gets 503 with {@code Retry-After} before its body is read
 * @param callBodyBytes the largest body of a scheduler call or an agent-channel call (413 beyond)
 * @param operatorBodyBytes the largest body of an operator API call (413 beyond)
 * @param streamQueueBytes the unsent events one stream (a framework's subscription, an agent's
 *     channel) may queue; a stream whose reader falls that far behind is closed
 */
public record ApiLimits(long inflightBodyBytes, long callBodyBytes, long operatorBodyBytes, long streamQueueBytes) {
  /** Scheduler calls and agent calls: a RECONCILE of 20,000 tasks or an agent with thousands of tasks fits. */
  public static final long DEFAULT_CALL_BODY_BYTES = 4L * 1024 * 1024;
  /** Operator calls (quota, weights, reservations) are small. */
  public static final long DEFAULT_OPERATOR_BODY_BYTES = 1024L * 1024;
  /** Per stream: thousands of status updates or offers behind before the stream is given up. */
  public static final long DEFAULT_STREAM_QUEUE_BYTES = 8L * 1024 * 1024;

  public ApiLimits {
    positive("inflight body bytes", inflightBodyBytes);
    positive("call body bytes", callBodyBytes);
    positive("operator body bytes", operatorBodyBytes);
    positive("stream queue bytes", streamQueueBytes);
    if (streamQueueBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stream queue bytes must be at most " + Integer.MAX_VALUE
          + ", got " + streamQueueBytes);
    }
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
    return new ApiLimits(bytes, callBodyBytes, operatorBodyBytes, streamQueueBytes);
  }

  public ApiLimits withCallBodyBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, bytes, operatorBodyBytes, streamQueueBytes);
  }

  public ApiLimits withOperatorBodyBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, bytes, streamQueueBytes);
  }

  public ApiLimits withStreamQueueBytes(long bytes) {
    return new ApiLimits(inflightBodyBytes, callBodyBytes, operatorBodyBytes, bytes);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
