package io.mezzo.sdk;

/** No leading master could be found right now (no ZooKeeper node, no connection, 503). Retried with backoff. */
final class MasterNotFoundException extends RuntimeException {
  MasterNotFoundException(String message) {
    super(message);
  }

  MasterNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
