package io.mezzo.sdk;

import io.mezzo.protocol.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * One SUBSCRIBE attempt and, once the master answered 200, its event stream. Written by the
 * connection thread; read by the watchdog (silence check) and by callers of the driver
 * (endpoint and stream id for calls). {@link #abort} may come from any thread and unblocks
 * the connection thread, whether it waits for response headers or reads the body.
 */
final class Subscription {
  private final Thread reader;
  private volatile URI endpoint;
  private volatile String streamId;
  private volatile long lastEventMillis;
  private volatile double heartbeatSeconds = Wire.HEARTBEAT_INTERVAL_SECONDS;
  private volatile boolean subscribed;

  private InputStream body;
  private boolean active = true;
  private String abortReason;

  Subscription(Thread reader, URI endpoint, long nowMillis) {
    this.reader = reader;
    this.endpoint = endpoint;
    this.lastEventMillis = nowMillis;
  }

  URI endpoint() {
    return endpoint;
  }

  void endpoint(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** Set once the master answered 200; calls need it. */
  String streamId() {
    return streamId;
  }

  void streamId(String streamId) {
    this.streamId = streamId;
  }

  /** True after SUBSCRIBED arrived on this stream. */
  boolean isSubscribed() {
    return subscribed;
  }

  void subscribed(double heartbeatIntervalSeconds) {
    if (heartbeatIntervalSeconds > 0 && Double.isFinite(heartbeatIntervalSeconds)) {
      this.heartbeatSeconds = heartbeatIntervalSeconds;
    }
    this.subscribed = true;
  }

  void touch(long nowMillis) {
    lastEventMillis = nowMillis;
  }

  /** True if nothing arrived for {@code missedHeartbeats} heartbeat intervals. */
  boolean isSilent(long nowMillis, double missedHeartbeats) {
    return nowMillis - lastEventMillis > (long) (missedHeartbeats * heartbeatSeconds * 1000);
  }

  /** Hands over the response body so that {@link #abort} can close it; false if already aborted. */
  synchronized boolean attach(InputStream in) {
    if (abortReason != null) {
      return false;
    }
    body = in;
    return true;
  }

  synchronized String abortReason() {
    return abortReason;
  }

  /** Ends the attempt from any thread: closes the body and wakes the reader. Idempotent. */
  synchronized void abort(String reason) {
    if (abortReason != null) {
      return;
    }
    abortReason = reason;
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // closing is best effort; the interrupt below wakes the reader anyway
      }
    }
    if (active) {
      reader.interrupt();
    }
  }

  /**
   * Called by the reader when the attempt is over; after this, {@link #abort} no longer
   * interrupts it. The reader then clears any interrupt that raced with the end.
   */
  synchronized void finish() {
    active = false;
  }
}
