package io.mezzo.cli.cluster;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.mezzo.sdk.LocalClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo cluster create}: starts ZooKeeper, masters and agents as local processes and waits until ready. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Starts a local cluster: an embedded ZooKeeper (unless --zk), masters and agents, and waits"
        + " until a master leads and every agent has registered.")
public final class CreateCommand implements Callable<Integer> {
  private static final String IP = "127.0.0.1";

  @Option(names = "--name", required = true, description = "Cluster name")
  String name;

  @Option(names = "--masters", defaultValue = "1", description = "Number of masters (default ${DEFAULT-VALUE})")
  int masters;

  @Option(names = "--agents", defaultValue = "2", description = "Number of agents (default ${DEFAULT-VALUE})")
  int agents;

  @Option(names = "--provider", defaultValue = "local",
      description = "Where the nodes run: local (processes of this machine) or docker (containers on a Docker network"
          + " of their own, from an image built on this machine; default ${DEFAULT-VALUE})")
  String provider;

  @Option(names = "--zk", description = "An external ZooKeeper ensemble, " + ZkUrl.SYNTAX)
  String zk;

  @Option(names = "--agent-resources", description = "Resources of each agent in Mesos syntax,"
      + " e.g. 'cpus:2;mem:2048' (default: detected)")
  String agentResources;

  @Option(names = "--offer-timeout", defaultValue = "1mins",
      description = "The masters' --offer-timeout: offers a framework leaves unanswered this long are rescinded, so one"
          + " framework cannot hold the cluster's resources (default ${DEFAULT-VALUE}; 'none' to never rescind,"
          + " as Mesos does by default)")
  String offerTimeout;

  @Option(names = "--agent-reregister-timeout",
      description = "The masters' --agent-reregister-timeout: an agent gone this long is removed and its tasks are"
          + " lost (default: the master's, " + io.mezzo.master.MasterConfig.DEFAULT_AGENT_REREGISTER_TIMEOUT + ")")
  String agentReregisterTimeout;

  @Option(names = "--zk-session-timeout",
      description = "The masters' --zk-session-timeout: a leader cut off from ZooKeeper this long loses leadership"
          + " (default: the master's, " + io.mezzo.master.MasterConfig.DEFAULT_ZK_SESSION_TIMEOUT + ")")
  String zkSessionTimeout;

  @Option(names = "--timeout", defaultValue = "90s", converter = io.mezzo.master.DurationFlag.class,
      description = "How long to wait for the cluster to be ready (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--insecure",
      description = "An open cluster, for a throwaway: plain HTTP between every node and client, and no"
          + " credentials or ACLs. By default the cluster gets its own CA and a certificate per node (every"
          + " endpoint speaks HTTPS, agents prove themselves to the masters with their certificates), and"
          + " credentials for an operator and for frameworks with ACLs that the masters enforce")
  boolean insecure;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final ClusterHome home = ClusterHome.fromEnvironment();
  private ClusterProbe probe = new ClusterProbe();
  /** The cluster's CA and node certificates; null for an --insecure cluster. */
  private ClusterTls tls;
  /** The cluster's credentials and ACLs; null for an --insecure cluster. */
  private ClusterSecrets secrets;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    Optional<ClusterFile> existing = home.load(name);
    if (existing.isPresent() && existing.get().processes().stream().anyMatch(NodeProcess::alive)) {
      System.out.printf("Cluster '%s' is already running; nothing changed. See: mezzo cluster status --name %s%n",
          name, name);
      return 0;
    }
    if (existing.isPresent() && existing.get().inContainers() != provider.equals(ClusterFile.DOCKER)) {
      System.err.printf("Cluster '%s' exists with provider %s; delete it first: mezzo cluster delete --name %s%n",
          name, existing.get().provider(), name);
      return 1;
    }
    if (provider.equals(ClusterFile.DOCKER)) {
      return createInContainers(existing.isPresent());
    }
    if (existing.isPresent()) {
      System.out.printf("Removing the stopped cluster '%s' left from before.%n", name);
      home.remove(name);
    }
    Instant started = Instant.now();
    Path dir = home.dir(name);
    NodeLauncher launcher = new NodeLauncher(dir, spec);
    ClusterFile cluster = new ClusterFile(name, zk, zk == null, Instant.now().toString(), List.of());
    if (!insecure) {
      tls = ClusterTls.create(dir, name);
      secrets = ClusterSecrets.create(dir, System.getProperty("user.name"));
      probe = ClusterProbe.forCluster(dir);
    }
    try {
      cluster = startNodes(cluster, launcher, dir, started.plus(timeout));
      awaitReady(cluster, started.plus(timeout));
    } catch (StartFailed e) {
      System.err.println("Cluster '" + name + "' did not start: " + e.getMessage());
      cluster = e.cluster;
      for (NodeProcess p : cluster.processes()) {
        if (!p.alive()) {
          System.err.printf("  %s exited; last lines of %s:%n%s%n", p.name(), p.log(), tail(Path.of(p.log()), 15));
        }
      }
      System.err.println("Stopping what was started; logs stay in " + dir
          + ". Remove them with: mezzo cluster delete --name " + name);
      cluster.processes().forEach(p -> p.stop(Duration.ofSeconds(10)));
      return 1;
    }
    printReady(cluster, Duration.between(started, Instant.now()));
    return 0;
  }

  private int createInContainers(boolean leftFromBefore) throws InterruptedException {
    Optional<Path> jar = NodeImage.runningJar();
    if (jar.isEmpty()) {
      System.err.println("--provider docker builds its image from the Mezzo jar; run this command from it (./mezzo)");
      return 1;
    }
    DockerNodes docker;
    try {
      docker = DockerNodes.connect();
    } catch (DockerNodes.Unreachable e) {
      System.err.println(e.getMessage() + ". Start Docker, or use --provider local.");
      return 1;
    }
    try (docker) {
      if (leftFromBefore) {
        System.out.printf("Removing the stopped cluster '%s' left from before.%n", name);
        docker.removeAll(name);
        home.remove(name);
      }
      Instant started = Instant.now();
      DockerCluster containers = new DockerCluster(home, docker);
      ClusterFile cluster = null;
      try {
        if (!insecure) {
          Path dir = home.dir(name);
          tls = ClusterTls.create(dir, name);
          secrets = ClusterSecrets.create(dir, System.getProperty("user.name"));
          probe = ClusterProbe.forCluster(dir);
        }
        cluster = containers.create(name, masters, agents, masterArgs(), agentResources, jar.get(), tls, secrets);
        awaitReady(cluster, started.plus(timeout));
      } catch (StartFailed | RuntimeException e) {
        System.err.println("Cluster '" + name + "' did not start: " + e.getMessage());
        if (e instanceof StartFailed failed) {
          System.err.print(containers.exited(failed.cluster));
        }
        System.err.println("Removing what was started: " + String.join(", ", containers.delete(name)));
        home.remove(name);
        return 1;
      }
      printReady(cluster, Duration.between(started, Instant.now()));
      return 0;
    }
  }

  private List<String> masterArgs() {
    List<String> args = new ArrayList<>();
    if (!offerTimeout.equals("none")) {
      args.add("--offer-timeout");
      args.add(offerTimeout);
    }
    if (agentReregisterTimeout != null) {
      args.add("--agent-reregister-timeout");
      args.add(agentReregisterTimeout);
    }
    if (zkSessionTimeout != null) {
      args.add("--zk-session-timeout");
      args.add(zkSessionTimeout);
    }
    return args;
  }

  private void validate() {
    if (!provider.equals(ClusterFile.LOCAL) && !provider.equals(ClusterFile.DOCKER)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--provider must be local or docker, got '" + provider + "'");
    }
    if (provider.equals(ClusterFile.DOCKER) && zk != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--zk is for local clusters; --provider docker runs its own ZooKeeper container");
    }
    try {
      ClusterHome.checkName(name);
      if (zk != null) {
        ZkUrl.parse(zk);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!offerTimeout.equals("none")) {
      try {
        io.mezzo.protocol.MesosDurations.parse(offerTimeout);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--offer-timeout: " + e.getMessage());
      }
    }
    if (agentReregisterTimeout != null) {
      try {
        io.mezzo.protocol.MesosDurations.parse(agentReregisterTimeout);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--agent-reregister-timeout: " + e.getMessage());
      }
    }
    if (zkSessionTimeout != null) {
      try {
        io.mezzo.protocol.MesosDurations.parse(zkSessionTimeout);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--zk-session-timeout: " + e.getMessage());
      }
    }
    if (masters < 1 || masters > 5) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--masters must be between 1 and 5, got " + masters);
    }
    if (agents < 0 || agents > 20) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--agents must be between 0 and 20, got " + agents);
    }
  }

  /**
   * Starts every node at once: ZooKeeper, masters and agents start their JVMs side by side (on a
   * machine with few cores, loading their classes is most of a cluster's start-up), and the
   * masters and agents find each other through ZooKeeper once it answers, as they do after any
   * ZooKeeper outage. Only then does it wait for ZooKeeper, to name it if it does not come up.
   */
  private ClusterFile startNodes(ClusterFile cluster, NodeLauncher launcher, Path dir, Instant deadline)
      throws InterruptedException, StartFailed {
    NodeProcess zookeeper = null;
    if (zk == null) {
      int zkPort = NodeLauncher.freePort(IP);
      zookeeper = launcher.start("zookeeper", "zookeeper", zkPort, IP + ":" + zkPort, dir.resolve("zookeeper"),
          List.of("--port", Integer.toString(zkPort), "--ip", IP, "--data-dir", dir.resolve("zookeeper").toString()));
      cluster = new ClusterFile(name, "zk://" + IP + ":" + zkPort + "/mezzo", true, cluster.created(), List.of(zookeeper));
      home.save(cluster);
    }
    // With the embedded ZooKeeper of a secure cluster, the masters get a digest there (through their
    // environment: see NodeLauncher) and only they can write; everyone else reads the plain URL.
    boolean zkDigest = secrets != null && zookeeper != null;
    if (zkDigest) {
      secrets.masterZooKeeper(cluster.zk());
    }
    for (int i = 1; i <= masters; i++) {
      int port = NodeLauncher.freePort(IP);
      List<String> args = new ArrayList<>(zkDigest ? List.of() : List.of("--zk", cluster.zk()));
      args.addAll(List.of("--ip", IP, "--port", Integer.toString(port)));
      args.addAll(masterArgs());
      if (tls != null) {
        args.addAll(tls.issue("master-" + i, IP, Purpose.SERVER));
      }
      if (secrets != null) {
        args.addAll(secrets.masterFlags());
      }
      cluster = cluster.withProcess(launcher.start("master", "master-" + i, port, scheme() + "://" + IP + ":" + port,
          null, args));
      home.save(cluster);
    }
    for (int i = 1; i <= agents; i++) {
      int port = NodeLauncher.freePort(IP);
      Path workDir = dir.resolve("agent-" + i);
      List<String> args = new ArrayList<>(List.of("--master", cluster.zk(), "--ip", IP, "--port", Integer.toString(port),
          "--work-dir", workDir.toString()));
      if (agentResources != null) {
        args.add("--resources");
        args.add(agentResources);
      }
      if (tls != null) {
        args.addAll(tls.issue("agent-" + i, IP, Purpose.SERVER_AND_CLIENT));
      }
      if (secrets != null) {
        args.addAll(secrets.agentFlags());
      }
      cluster = cluster.withProcess(launcher.start("agent", "agent-" + i, port, scheme() + "://" + IP + ":" + port,
          workDir, args));
      home.save(cluster);
    }
    if (zookeeper != null) {
      awaitZooKeeper(cluster, zookeeper, deadline);
    }
    return cluster;
  }

  private String scheme() {
    return tls == null ? "http" : "https";
  }

  private static void awaitZooKeeper(ClusterFile cluster, NodeProcess zookeeper, Instant deadline)
      throws InterruptedException, StartFailed {
    while (!ClusterProbe.zooKeeperServing(IP, zookeeper.port())) {
      if (!zookeeper.alive()) {
        throw new StartFailed(cluster, "zookeeper (pid " + zookeeper.pid() + ") exited");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new StartFailed(cluster, "ZooKeeper did not answer on " + IP + ":" + zookeeper.port());
      }
      Thread.sleep(50);
    }
  }

  private void awaitReady(ClusterFile cluster, Instant deadline) throws InterruptedException, StartFailed {
    Optional<String> problem = probe.awaitReady(cluster, agents, deadline);
    if (problem.isPresent()) {
      throw new StartFailed(cluster, problem.get().startsWith("still waiting")
          ? "not ready after " + timeout.toSeconds() + " s: " + problem.get() : problem.get());
    }
  }

  private void printReady(ClusterFile cluster, Duration took) {
    ClusterProbe.Leader leader = probe.leader(cluster).orElseThrow();
    System.out.printf("Cluster '%s' is ready (%.1f s).%n%n", name, took.toMillis() / 1000.0);
    for (NodeProcess p : cluster.processes()) {
      String lead = p.role().equals("master") && p.equals(leader.master()) ? "  (leader)" : "";
      String where = p.container() != null ? "container " + p.container() : String.format("pid %-7d", p.pid());
      System.out.printf("  %-10s %-10s %s %s%s%n", p.role(), p.name(), where, p.url(), lead);
    }
    System.out.printf("%n  ZooKeeper:  %s%n", cluster.zk());
    System.out.printf("  Master:     %s   (state: %s/state)%n", leader.master().url(), leader.master().url());
    System.out.printf("  Web UI:     %s/%n", leader.master().url());
    System.out.printf("  Files:      %s%n", home.dir(name));
    if (tls != null) {
      System.out.printf("  TLS:        every node serves HTTPS; the cluster CA is %s%n", tls.ca());
      System.out.println("              (mezzo commands with --cluster " + name + " trust it; others take --ca-cert "
          + tls.ca() + ")");
    } else {
      System.out.println("  TLS:        off (--insecure)");
    }
    if (secrets != null) {
      System.out.printf("  Auth:       credentials of '%s' (operator) and '%s' (frameworks) in %s,%n",
          LocalClusters.OPERATOR, LocalClusters.FRAMEWORK, secrets.credentials());
      System.out.printf("              ACLs in %s%n", secrets.acls());
      System.out.println("              (mezzo commands with --cluster " + name + " use them; the SDK's"
          + " SchedulerClient.builder().localCluster(\"" + name + "\") too)");
    } else {
      System.out.println("  Auth:       off (--insecure): anyone who reaches a master may do anything");
    }
    System.out.println();
    System.out.println("Run a task:        ./mezzo run --cluster " + name + " -- echo hello");
    System.out.println("Run a framework:   ./mezzo batch --cluster " + name + " --tasks 20 --cmd 'echo hi'");
    System.out.println("Frameworks:        any Mesos v1 HTTP framework, pointed at " + cluster.zk()
        + " or " + leader.master().url());
    System.out.println("Status / delete:   ./mezzo cluster status --name " + name
        + "   ./mezzo cluster delete --name " + name);
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (Exception e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Create failed part-way; carries what had been started so far. */
  private static final class StartFailed extends Exception {
    final ClusterFile cluster;

    StartFailed(ClusterFile cluster, String message) {
      super(message);
      this.cluster = cluster;
    }
  }
}
