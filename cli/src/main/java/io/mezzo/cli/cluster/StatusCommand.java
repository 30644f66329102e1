package io.mezzo.cli.cluster;

import io.mezzo.sdk.LocalClusters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo cluster status}: every process with its role, pid, URL, and which master leads. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a local cluster's processes.")
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "Cluster name")
  String name;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json")
  String output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!output.equals("text") && !output.equals("json")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "-o must be text or json, got '" + output + "'");
    }
    Optional<ClusterFile> cluster;
    try {
      cluster = ClusterHome.fromEnvironment().load(ClusterHome.checkName(name));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (cluster.isEmpty()) {
      System.err.println("No cluster named '" + name + "'. See: mezzo cluster list");
      return 1;
    }
    Path dir = ClusterHome.fromEnvironment().dir(name);
    ClusterProbe probe = ClusterProbe.forCluster(dir);
    Optional<ClusterProbe.Leader> leader = probe.leader(cluster.get());
    JsonArray processes = new JsonArray();
    for (NodeProcess p : cluster.get().processes()) {
      JsonObject json = new JsonObject().put("role", p.role()).put("name", p.name()).put("pid", p.pid())
          .put("url", p.url()).put("alive", p.alive()).put("log", p.log()).put("container", p.container());
      if (p.role().equals("master")) {
        json.put("leading", leader.map(l -> l.master().equals(p)).orElse(false));
      }
      processes.add(json);
    }
    JsonObject status = new JsonObject().put("name", name).put("provider", cluster.get().provider())
        .put("zk", cluster.get().zk())
        .put("master", leader.map(l -> l.master().url()).orElse(null))
        .put("agents_registered", leader.map(ClusterProbe.Leader::activeAgents).orElse(0))
        .put("processes", processes)
        .put("ca_cert", ClusterTls.caFile(dir).map(Path::toString).orElse(null))
        .put("credentials", existing(dir.resolve(LocalClusters.CREDENTIALS_FILE)))
        .put("acls", existing(dir.resolve(LocalClusters.ACLS_FILE)));
    if (output.equals("json")) {
      System.out.println(status.encodePrettily());
      return 0;
    }
    System.out.printf("Cluster %s%n  ZooKeeper: %s%n  Master:    %s%n  Agents registered: %d%n%n", name,
        cluster.get().zk(), leader.map(l -> l.master().url()).orElse("(no leader)"),
        status.getInteger("agents_registered"));
    System.out.printf("  TLS CA:      %s%n  Credentials: %s%n  ACLs:        %s%n%n",
        orNone(status.getString("ca_cert")), orNone(status.getString("credentials")),
        orNone(status.getString("acls")));
    System.out.printf("  %-10s %-10s %-8s %-8s %s%n", "ROLE", "NAME", "PID", "ALIVE", "URL");
    for (Object o : processes) {
      JsonObject p = (JsonObject) o;
      String pid = p.getString("container") != null ? "-" : Long.toString(p.getLong("pid"));
      System.out.printf("  %-10s %-10s %-8s %-8s %s%s%n", p.getString("role"), p.getString("name"), pid,
          p.getBoolean("alive") ? "yes" : "no", p.getString("url"), p.getBoolean("leading", false) ? "  (leader)" : "");
    }
    return 0;
  }

  private static String orNone(String path) {
    return path == null ? "none" : path;
  }

  private static String existing(Path file) {
    return Files.isRegularFile(file) ? file.toString() : null;
  }
}
