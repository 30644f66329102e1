package io.mezzo.agent.resources;

/** A {@code --resources} or {@code --attributes} value that does not parse; the message says what and where. */
public final class ResourceSyntaxException extends IllegalArgumentException {
  public ResourceSyntaxException(String message) {
    super(message);
  }
}
