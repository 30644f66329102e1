package io.mezzo.it.nodes;

import io.mezzo.cli.cluster.NodeImage;
import io.mezzo.testkit.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The images the container tests run, in one place: every node (ZooKeeper, master, agent) runs
 * {@link NodeImage}, built once per run from the jar the build just made ({@code -Dmezzo.jar}),
 * and only when that jar changed.
 */
public final class NodeImages {
  private static final Logger log = LoggerFactory.getLogger(NodeImages.class);
  private static volatile boolean ready;

  private NodeImages() {}

  /** The node image's name. */
  public static String node() {
    return NodeImage.name();
  }

  /**
   * Makes sure Docker answers (skips the test locally, fails it under CI=true) and the node
   * image is built from this build's jar.
   */
  public static synchronized String ensureBuilt() {
    if (ready) {
      return node();
    }
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      docker = false;
    }
    Requires.that(docker, "a Docker engine (these tests run the cluster's nodes as containers)");
    Path jar = Path.of(System.getProperty("mezzo.jar", "../cli/target/mezzo.jar"));
    Requires.that(Files.isRegularFile(jar), () -> "the Mezzo jar at " + jar + " (mvn -pl cli -am package)");
    Instant start = Instant.now();
    boolean built = NodeImage.ensure(DockerClientFactory.lazyClient(), jar);
    log.info("Node image {} {} in {} ms", node(), built ? "built" : "was up to date",
        Duration.between(start, Instant.now()).toMillis());
    ready = true;
    return node();
  }
}
