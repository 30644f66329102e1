package io.mezzo.master.state;

/** A call the master refuses, with the HTTP status Mesos answers and a readable message. */
public final class CallRejected extends RuntimeException {
  private final int status;

  public CallRejected(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
