package io.mezzo.master.state;

/** One open event stream (a framework's subscription or an agent's registration). */
public interface EventSink<E> {
  /** The stream id issued with it; later calls must carry it. */
  String streamId();

  /** Sends one event; a closed stream drops it. */
  void send(E event);

  /** Ends the stream. Idempotent. */
  void close();

  /**
   * Whether the reader keeps up well enough for more of a bulk answer (a reconciliation's updates)
   * or for new offers to be sent now: false while much of what was sent is still unsent. Events
   * are sent either way; a framework whose stream is not ready is offered nothing meanwhile.
   */
  default boolean ready() {
    return true;
  }

  /**
   * Ends the stream at once, dropping what is still unsent, for a reader that stopped reading;
   * {@code why} goes to the log. By default the same as {@link #close()}.
   */
  default void abandon(String why) {
    close();
  }
}
