package io.mezzo.protocol;

/** A message that could not be framed, parsed or printed; the message says what was wrong. */
public final class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
