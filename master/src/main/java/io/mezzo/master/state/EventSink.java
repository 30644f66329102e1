package io.mezzo.master.state;

/** One open event stream (a framework's subscription or an agent's registration). */
public interface EventSink<E> {
  /** The stream id issued with it; later calls must carry it. */
  String streamId();

  /** Sends one event; a closed stream drops it. */
  void send(E event);

  /** Ends the stream. Idempotent. */
  void close();
}
