package io.mezzo.agent.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How much one client can make the agent's HTTP API hold: the request bodies in flight together,
 * one body per endpoint family, and how long a body may take to arrive.
 *
 * @param inflightBodyBytes what all request bodies being read may take together; beyond it a
 *     request gets 503 with {@code Retry-After} before its body is read
 * @param executorBodyBytes the largest body of an executor API call ({@code /api/v1/executor}; 413 beyond)
 * @param operatorBodyBytes the largest body of an operator API call ({@code /api/v1}; 413 beyond)
 * @param bodyReadTimeout how long a request body may take to arrive in full; beyond it 408 and the
 *     connection is closed
 */
public record HttpLimits(long inflightBodyBytes, long executorBodyBytes, long operatorBodyBytes, Duration bodyReadTimeout) {
  /**
   * An executor's largest call is an UPDATE (a TaskStatus, whose data the executor library keeps
   * small) or a re-SUBSCRIBE listing its unacknowledged tasks and updates; the agent passes updates
   * on to the master, which takes agent calls of up to 4 MB, so more would be refused there anyway.
   */
  public static final long DEFAULT_EXECUTOR_BODY_BYTES = 4L * 1024 * 1024;
  /** Operator calls (LIST_FILES, READ_FILE, the GET_* calls) are small. */
  public static final long DEFAULT_OPERATOR_BODY_BYTES = 1024L * 1024;
  /** Generous for a 4 MB body on a slow link, short enough that idle half-sent requests do not pile up. */
  public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);

  public HttpLimits {
    positive("inflight body bytes", inflightBodyBytes);
    positive("executor body bytes", executorBodyBytes);
    positive("operator body bytes", operatorBodyBytes);
    Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
    if (bodyReadTimeout.isZero() || bodyReadTimeout.isNegative()) {
      throw new IllegalArgumentException("The body read timeout must be positive, got " + bodyReadTimeout);
    }
  }

  /** The defaults, with the in-flight budget a quarter of this JVM's maximum heap. */
  public static HttpLimits defaults() {
    return new HttpLimits(defaultInflightBodyBytes(), DEFAULT_EXECUTOR_BODY_BYTES, DEFAULT_OPERATOR_BODY_BYTES,
        DEFAULT_BODY_READ_TIMEOUT);
  }

  /** A quarter of the maximum heap: bodies are copied once more while decoded, and the tasks need the rest. */
  public static long defaultInflightBodyBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
