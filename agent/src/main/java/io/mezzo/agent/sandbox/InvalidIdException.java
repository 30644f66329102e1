package io.mezzo.agent.sandbox;

/** An id that must not become a path component; the message names the id and the rule it breaks. */
public final class InvalidIdException extends IllegalArgumentException {
  public InvalidIdException(String message) {
    super(message);
  }
}
