package io.mezzo.agent.spi;

/** A container could not be started; the message is what the framework sees in TASK_FAILED. */
public final class ContainerLaunchException extends RuntimeException {
  public ContainerLaunchException(String message) {
    super(message);
  }

  public ContainerLaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
