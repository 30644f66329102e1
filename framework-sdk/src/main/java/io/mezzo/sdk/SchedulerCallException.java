package io.mezzo.sdk;

import io.mezzo.v1.scheduler.Protos.Call;

/**
 * The master answered a scheduler call with a status other than 2xx. Carries the call type,
 * the HTTP status and the master's (plain-text) message, e.g. {@code 400 Framework cannot be
 * found} or {@code 503 No leader elected}.
 */
public final class SchedulerCallException extends RuntimeException {
  private static final int MAX_BODY_IN_MESSAGE = 1000;

  private final Call.Type callType;
  private final int statusCode;
  private final String body;

  public SchedulerCallException(Call.Type callType, int statusCode, String body) {
    super(message(callType, statusCode, body));
    this.callType = callType;
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
  }

  private static String message(Call.Type callType, int statusCode, String body) {
    String text = body == null || body.isBlank() ? "(empty body)" : body.strip();
    if (text.length() > MAX_BODY_IN_MESSAGE) {
      text = text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
    return callType + " call refused by the master: HTTP " + statusCode + ": " + text;
  }

  public Call.Type callType() {
    return callType;
  }

  /** The HTTP status code the master answered with. */
  public int statusCode() {
    return statusCode;
  }

  /** The response body, the master's explanation; empty if there was none. */
  public String body() {
    return body;
  }
}
