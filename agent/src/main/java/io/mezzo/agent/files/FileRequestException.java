package io.mezzo.agent.files;

/** A files API request that is refused or cannot be served; carries the HTTP status to answer with. */
final class FileRequestException extends RuntimeException {
  final int status;

  FileRequestException(int status, String message) {
    super(message);
    this.status = status;
  }
}
