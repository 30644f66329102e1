package io.mezzo.agent.files;

/** A files API request that is refused or cannot be served; carries the HTTP status to answer with. */
public final class FileRequestException extends RuntimeException {
  final int status;

  FileRequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status to answer with: 400 bad path or not a regular file, 403 outside the sandboxes, 404, 409, 503, 504. */
  public int status() {
    return status;
  }
}
