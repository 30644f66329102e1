package io.mezzo.agent.fetcher;

/** A URI could not be fetched or extracted into the sandbox; the message names the URI and is what the framework sees. */
public final class FetchException extends RuntimeException {
  public FetchException(String message) {
    super(message);
  }

  public FetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
