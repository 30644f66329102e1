package io.mezzo.agent;

import com.github.dockerjava.api.DockerClient;
import io.mezzo.agent.runtime.docker.DockerEngine;
import java.time.Duration;

/**
 * The Docker Engine reached the way the agent's docker runtime reaches it, for tools that run
 * beside the agent (the CLI's {@code --provider docker}): one client configuration and one way of
 * saying why the engine failed.
 */
public final class DockerEngines {
  private DockerEngines() {}

  /** {@code DOCKER_HOST}, else the local socket. */
  public static String defaultHost() {
    return DockerEngine.defaultHost();
  }

  /** A client of the engine at {@code dockerHost}; the caller closes it. */
  public static DockerClient client(String dockerHost, Duration responseTimeout) {
    return DockerEngine.client(dockerHost, responseTimeout);
  }

  /** A readable reason for a failed engine call (the engine's own message, without the stack). */
  public static String message(Throwable failure) {
    return DockerEngine.engineMessage(failure);
  }
}
