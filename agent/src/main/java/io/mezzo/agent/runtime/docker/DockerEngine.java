package io.mezzo.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaching a Docker Engine: where it is, whether it answers, a client of it, and its error
 * messages in its own words. Used by the {@code docker} runtime, by the {@code oci} runtime (which
 * exports Docker images as root filesystems) and by the agent's runtime detection.
 */
public final class DockerEngine {
  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);

  private DockerEngine() {}

  /** The engine address: {@code DOCKER_HOST} when set, else {@value #DEFAULT_HOST}. */
  public static String defaultHost() {
    String env = System.getenv("DOCKER_HOST");
    return env == null || env.isBlank() ? DEFAULT_HOST : env;
  }

  /** Whether a Docker engine answers a ping at {@code dockerHost} within a few seconds. Blocking. */
  public static boolean reachable(String dockerHost) {
    try (DockerClient probe = client(dockerHost, Duration.ofSeconds(3))) {
      probe.pingCmd().exec();
      return true;
    } catch (RuntimeException | IOException e) {
      log.debug("Docker engine at {} does not answer: {}", dockerHost, e.toString());
      return false;
    }
  }

  /**
   * A client of the engine at {@code dockerHost}; {@code responseTimeout} null for none. It
   * connects on its first call, so the engine may come later. The caller closes it.
   */
  public static DockerClient client(String dockerHost, Duration responseTimeout) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost)
        .build();
    ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(Duration.ofSeconds(5));
    if (responseTimeout != null) {
      http.responseTimeout(responseTimeout);
    }
    return DockerClientImpl.getInstance(config, http.build());
  }

  /** The engine's own words when it gave a JSON error body, else the exception's message. */
  public static String engineMessage(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = message.indexOf("{\"message\":\"");
    if (at >= 0) {
      int start = at + "{\"message\":\"".length();
      int end = message.indexOf("\"}", start);
      if (end > start) {
        return message.substring(start, end).replace("\\\"", "\"");
      }
    }
    return message.strip();
  }
}
