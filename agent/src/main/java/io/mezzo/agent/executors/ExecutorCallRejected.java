package io.mezzo.agent.executors;

/** An executor API call the agent refuses: the HTTP status and the plain-text message it answers with. */
final class ExecutorCallRejected extends RuntimeException {
  private final int status;

  ExecutorCallRejected(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
