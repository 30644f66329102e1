package io.mezzo.cli.cluster;

import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import java.util.Optional;

/** Asks a running cluster's processes how they are, over their HTTP endpoints. */
public final class ClusterProbe {
  private final HttpClient http;
  private final Optional<Credential> credential;

  /** A probe of plain HTTP nodes (or HTTPS ones whose certificates the JVM trusts). */
  public ClusterProbe() {
    this(Optional.empty(), Optional.empty());
  }

  /**
   * A probe that trusts {@code tls} for nodes whose URLs are {@code https}, and reads the masters'
   * {@code /state} as {@code credential} when given.
   */
  public ClusterProbe(Optional<SSLContext> tls, Optional<Credential> credential) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
    this.credential = credential;
  }

  /**
   * A probe for the cluster whose files are in {@code clusterDir}: it trusts the cluster's CA and
   * authenticates as its operator, when the cluster has them.
   */
  public static ClusterProbe forCluster(Path clusterDir) {
    return new ClusterProbe(ClusterTls.sslContext(clusterDir), LocalClusters.credential(clusterDir, LocalClusters.OPERATOR));
  }

  /** The master's /state when it leads (200), empty when it does not or cannot answer. */
  public Optional<JsonObject> leaderState(NodeProcess master) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url() + "/state"))
          .timeout(Duration.ofSeconds(3));
      credential.ifPresent(c -> request.header("Authorization", c.authorization()));
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(new JsonObject(response.body())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public boolean healthy(NodeProcess node) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(node.url() + "/health")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when a ZooKeeper server on host:port answers its {@code ruok} check with {@code imok}. */
  public static boolean zooKeeperServing(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("ruok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      byte[] answer = socket.getInputStream().readNBytes(4);
      return "imok".equals(new String(answer, java.nio.charset.StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until every process of the cluster is alive, a master leads and at least
   * {@code agents} agents are active. Polls a few times a second until {@code deadline}.
   *
   * @return why it is not ready (a process exited, or what it still waited for at the
   *     deadline); empty once ready
   */
  public Optional<String> awaitReady(ClusterFile cluster, int agents, java.time.Instant deadline)
      throws InterruptedException {
    String waitingFor = "a master to be elected";
    while (java.time.Instant.now().isBefore(deadline)) {
      for (NodeProcess p : cluster.processes()) {
        if (!p.alive()) {
          return Optional.of(p.name() + " (pid " + p.pid() + ") exited");
        }
      }
      Optional<Leader> leader = leader(cluster);
      if (leader.isPresent()) {
        int registered = leader.get().activeAgents();
        if (registered >= agents) {
          return Optional.empty();
        }
        waitingFor = "agents to register (" + registered + " of " + agents + ")";
      }
      Thread.sleep(200);
    }
    return Optional.of("still waiting for " + waitingFor);
  }

  /** The leading master of a cluster and its state, if any master leads. */
  public Optional<Leader> leader(ClusterFile cluster) {
    for (NodeProcess master : cluster.byRole("master")) {
      Optional<JsonObject> state = leaderState(master);
      if (state.isPresent()) {
        return Optional.of(new Leader(master, state.get()));
      }
    }
    return Optional.empty();
  }

  /** A leading master and its /state. */
  public record Leader(NodeProcess master, JsonObject state) {
    public int activeAgents() {
      return state.getInteger("activated_slaves", 0);
    }
  }
}
