package io.mezzo.agent;

import io.mezzo.node.tls.NodeTls;
import io.mezzo.agent.http.AgentSecurity;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.agent.support.MesosBytes;
import io.mezzo.agent.support.MesosDuration;

import io.mezzo.agent.resources.ResourceDetector;
import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.runtime.docker.DockerRuntime;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.http.HttpLimits;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.agent.runtime.oci.OciRuntime;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.Resource;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code agent}: runs one agent until SIGTERM. A main of its own and a subcommand of the CLI.
 * Every flag has a {@code MEZZO_} environment variable as its default. Bad flags end with a
 * message and exit code 2 before anything starts.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Runs a Mezzo agent: offers this machine's resources to the leading master and runs its tasks.")
public final class AgentMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AgentMain.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  @Spec
  CommandSpec spec;

  @Option(names = "--master", defaultValue = "${env:MEZZO_MASTER}", paramLabel = "URL",
      description = "Required. zk://[user:password@]host[:port][,host[:port]...]/path (leader from ZooKeeper) or http(s)://host:port. Env: MEZZO_MASTER.")
  String master;

  @Option(names = "--tls-cert", defaultValue = "${env:MEZZO_TLS_CERT}", paramLabel = "FILE",
      description = "The agent's certificate (PEM): its HTTP API is served over HTTPS only, and it is presented to"
          + " the master, which needs it when it checks agents. With --tls-key. Env: MEZZO_TLS_CERT.")
  String tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:MEZZO_TLS_KEY}", paramLabel = "FILE",
      description = "The private key of --tls-cert (PEM). Env: MEZZO_TLS_KEY.")
  String tlsKey;

  @Option(names = "--ca-cert", defaultValue = "${env:MEZZO_CA_CERT}", paramLabel = "FILE",
      description = "The cluster CA (PEM): the agent talks to the master over HTTPS and checks its certificate"
          + " against this CA. Env: MEZZO_CA_CERT.")
  String caCert;

  @Option(names = "--port", defaultValue = "${env:MEZZO_PORT:-" + AgentConfig.DEFAULT_PORT + "}", paramLabel = "PORT",
      description = "Port of the agent's HTTP API; 0 picks a free one (see <work-dir>/agent.json). Default: ${DEFAULT-VALUE}. Env: MEZZO_PORT.")
  int port;

  @Option(names = "--ip", defaultValue = "${env:MEZZO_IP:-" + AgentConfig.DEFAULT_IP + "}", paramLabel = "IP",
      description = "Address to listen on and advertise. Default: ${DEFAULT-VALUE}. Env: MEZZO_IP.")
  String ip;

  @Option(names = "--hostname", defaultValue = "${env:MEZZO_HOSTNAME}", paramLabel = "HOST",
      description = "Hostname to advertise; defaults to the ip. Env: MEZZO_HOSTNAME.")
  String hostname;

  @Option(names = "--work-dir", defaultValue = "${env:MEZZO_WORK_DIR}", paramLabel = "DIR",
      description = "Required. Directory for sandboxes and agent.json. Env: MEZZO_WORK_DIR.")
  String workDir;

  @Option(names = "--resources", defaultValue = "${env:MEZZO_RESOURCES}", paramLabel = "SPEC",
      description = "Mesos syntax, e.g. cpus:2;mem:1024;disk:4096;ports:[31000-31099]; what is left out is detected. Env: MEZZO_RESOURCES.")
  String resources;

  @Option(names = "--attributes", defaultValue = "${env:MEZZO_ATTRIBUTES}", paramLabel = "SPEC",
      description = "Mesos syntax, e.g. rack:r1;zone:a. Env: MEZZO_ATTRIBUTES.")
  String attributes;

  @Option(names = "--runtimes", defaultValue = "${env:MEZZO_RUNTIMES}", split = ",", paramLabel = "NAME",
      description = "Runtimes tasks may use, comma-separated: process, docker, oci. Default: detected at start "
          + "(process, plus docker when the Docker engine answers, plus oci when the agent runs as root and runc "
          + "or crun is found). Env: MEZZO_RUNTIMES.")
  List<String> runtimes;

  @Option(names = "--oci-runtime", defaultValue = "${env:MEZZO_OCI_RUNTIME}", paramLabel = "runc|crun|PATH",
      description = "The OCI runtime binary the oci runtime runs: a name looked up on PATH or an absolute path. "
          + "Default: runc when found, else crun. Env: MEZZO_OCI_RUNTIME.")
  String ociRuntime;

  /** Whether the Docker engine answers; a seam for tests. */
  BooleanSupplier dockerReachable = () -> DockerEngine.reachable(DockerEngine.defaultHost());

  /** Whether the agent runs as root; a seam for tests. */
  BooleanSupplier agentIsRoot = ProcessRuntime::agentIsRoot;

  /** Finds an OCI runtime binary by name or path; a seam for tests. */
  Function<String, Optional<Path>> ociBinary = OciRuntime::resolveBinary;

  @Option(names = "--executor-registration-timeout", defaultValue = "${env:MEZZO_EXECUTOR_REGISTRATION_TIMEOUT:-1mins}",
      converter = MesosDuration.class, paramLabel = "DURATION",
      description = "How long a custom executor may take to subscribe before it is killed and its tasks fail. "
          + "Default: ${DEFAULT-VALUE}. Env: MEZZO_EXECUTOR_REGISTRATION_TIMEOUT.")
  Duration executorRegistrationTimeout;

  @Option(names = "--cgroups", defaultValue = "${env:MEZZO_CGROUPS:-auto}", paramLabel = "auto|off",
      description = "auto: limit each process task's memory and cpu with cgroups (v2 or v1, detected) where this "
          + "machine allows it; off: never. Default: ${DEFAULT-VALUE}. Env: MEZZO_CGROUPS.")
  String cgroups;

  @Option(names = "--recover", defaultValue = "${env:MEZZO_RECOVER:-reconnect}", paramLabel = "reconnect|cleanup",
      description = "What a restarted agent does with the tasks an earlier run of it left running: reconnect re-adopts "
          + "them, cleanup kills them. Unacknowledged updates are delivered either way. Default: ${DEFAULT-VALUE}. "
          + "Env: MEZZO_RECOVER.")
  String recover;

  @Option(names = "--authenticate-http-executors", defaultValue = "${env:MEZZO_AUTHENTICATE_HTTP_EXECUTORS:-false}",
      description = "Give each executor a token (MESOS_EXECUTOR_AUTHENTICATION_TOKEN, a JWT signed by this agent) and "
          + "refuse executor API calls without the caller's own (401) or about another executor (403), as Mesos's "
          + "--authenticate_http_executors. Default: ${DEFAULT-VALUE}. Env: MEZZO_AUTHENTICATE_HTTP_EXECUTORS.")
  boolean authenticateHttpExecutors;

  @Option(names = "--executor-secret-key", defaultValue = "${env:MEZZO_EXECUTOR_SECRET_KEY}", paramLabel = "FILE",
      description = "The key (at least 32 bytes) that signs executor tokens. Default: executor-secret.key in the work "
          + "directory, made with mode 0600 on first start. Env: MEZZO_EXECUTOR_SECRET_KEY.")
  Path executorSecretKey;

  @Option(names = "--credentials", defaultValue = "${env:MEZZO_CREDENTIALS}", paramLabel = "FILE",
      description = "Principals and secrets in Mesos's JSON ({\"credentials\":[{\"principal\":…,\"secret\":…}]}), a path or "
          + "file:// URL; the same file as the master's. Env: MEZZO_CREDENTIALS.")
  String credentials;

  @Option(names = "--authenticate-http-readonly", defaultValue = "${env:MEZZO_AUTHENTICATE_HTTP_READONLY:-false}",
      description = "/files/*, /state, /metrics, /metrics/snapshot and the operator API (/api/v1) need HTTP Basic "
          + "credentials from --credentials (401 otherwise); /health stays open. Default: ${DEFAULT-VALUE}. "
          + "Env: MEZZO_AUTHENTICATE_HTTP_READONLY.")
  boolean authenticateHttpReadonly;

  @Option(names = "--acls", defaultValue = "${env:MEZZO_ACLS}", paramLabel = "JSON|FILE",
      description = "Mesos's ACL JSON, inline or a path or file:// URL (the master's file serves). The agent checks "
          + "access_sandboxes: a principal reads its own frameworks' sandboxes, others' only when a rule allows it "
          + "(permissive: false unless given). Without it every caller reads every sandbox. Env: MEZZO_ACLS.")
  String acls;

  @Option(names = "--log-max-size", defaultValue = "${env:MEZZO_LOG_MAX_SIZE:-10MB}", converter = MesosBytes.class,
      paramLabel = "SIZE",
      description = "A task's stdout or stderr larger than this (checked every second) is copied to stdout.1 "
          + "and truncated: 10MB, 512KB, 1GB or bytes. Default: ${DEFAULT-VALUE}. Env: MEZZO_LOG_MAX_SIZE.")
  long logMaxSize;

  @Option(names = "--log-max-files", paramLabel = "N",
      defaultValue = "${env:MEZZO_LOG_MAX_FILES:-" + AgentConfig.DEFAULT_LOG_MAX_FILES + "}",
      description = "How many rotated files (stdout.1 to stdout.N, likewise stderr) are kept per task; the oldest "
          + "is deleted. Default: ${DEFAULT-VALUE}. Env: MEZZO_LOG_MAX_FILES.")
  int logMaxFiles;

  @Option(names = "--max-inflight-body-bytes", defaultValue = "${env:MEZZO_MAX_INFLIGHT_BODY_BYTES}",
      converter = MesosBytes.class, paramLabel = "SIZE",
      description = "What all request bodies being read may take together; beyond it a request gets 503 with "
          + "Retry-After before its body is read. Default: a quarter of the maximum heap. "
          + "Env: MEZZO_MAX_INFLIGHT_BODY_BYTES.")
  Long maxInflightBodyBytes;

  @Option(names = "--max-executor-body-bytes", converter = MesosBytes.class, paramLabel = "SIZE",
      defaultValue = "${env:MEZZO_MAX_EXECUTOR_BODY_BYTES:-4MB}",
      description = "The largest body of an executor API call (/api/v1/executor); larger gets 413. "
          + "Default: ${DEFAULT-VALUE}. Env: MEZZO_MAX_EXECUTOR_BODY_BYTES.")
  long maxExecutorBodyBytes;

  @Option(names = "--max-operator-body-bytes", converter = MesosBytes.class, paramLabel = "SIZE",
      defaultValue = "${env:MEZZO_MAX_OPERATOR_BODY_BYTES:-1MB}",
      description = "The largest body of an operator API call (/api/v1); larger gets 413. "
          + "Default: ${DEFAULT-VALUE}. Env: MEZZO_MAX_OPERATOR_BODY_BYTES.")
  long maxOperatorBodyBytes;

  @Option(names = "--body-read-timeout", converter = MesosDuration.class, paramLabel = "DURATION",
      defaultValue = "${env:MEZZO_BODY_READ_TIMEOUT:-30secs}",
      description = "How long a request body may take to arrive in full; a slower one gets 408 and its connection "
          + "is closed. Default: ${DEFAULT-VALUE}. Env: MEZZO_BODY_READ_TIMEOUT.")
  Duration bodyReadTimeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public Integer call() {
    AgentConfig config = config();
    Agent agent = new Agent(config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown = new Thread(() -> {
      closeQuietly(agent);
      stopped.countDown();
    }, "mezzo-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      agent.start().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      log.error("Agent failed to start: {}", e.getCause().getMessage());
      Runtime.getRuntime().removeShutdownHook(shutdown);
      closeQuietly(agent);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(shutdown);
      closeQuietly(agent);
      return 1;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(agent);
    }
    return 0;
  }

  /**
   * The agent's configuration from the flags, with undetected resources filled in.
   *
   * @throws ParameterException naming the flag that is wrong
   */
  AgentConfig config() {
    if (master == null || master.isBlank()) {
      throw usage("Missing required option '--master' (or MEZZO_MASTER): zk://host:port/path or http://host:port");
    }
    MasterUrl masterUrl;
    try {
      masterUrl = MasterUrl.parse(master);
    } catch (IllegalArgumentException e) {
      throw usage("Invalid value for option '--master': " + e.getMessage());
    }
    if (workDir == null || workDir.isBlank()) {
      throw usage("Missing required option '--work-dir' (or MEZZO_WORK_DIR)");
    }
    Path dir;
    try {
      dir = Path.of(workDir).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw usage("Invalid value for option '--work-dir': " + e.getMessage());
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw usage("Invalid value for option '--work-dir': " + dir + " exists and is not a directory");
    }
    if (port < 0 || port > 65535) {
      throw usage("Invalid value for option '--port': " + port + " (expected 0 to 65535)");
    }
    Path ociBinary = ociBinary();
    List<String> runtimeNames = runtimeNames(ociBinary);
    List<Resource> parsedResources;
    List<Attribute> parsedAttributes;
    try {
      parsedResources = ResourceSpec.parseResources(resources);
      parsedAttributes = ResourceSpec.parseAttributes(attributes);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (executorRegistrationTimeout.isZero() || executorRegistrationTimeout.isNegative()) {
      throw usage("Invalid value for option '--executor-registration-timeout': it must be positive");
    }
    if (logMaxSize <= 0) {
      throw usage("Invalid value for option '--log-max-size': it must be positive");
    }
    if (logMaxFiles < 1) {
      throw usage("Invalid value for option '--log-max-files': " + logMaxFiles + " (expected at least 1)");
    }
    HttpLimits httpLimits;
    try {
      httpLimits = new HttpLimits(maxInflightBodyBytes == null ? HttpLimits.defaultInflightBodyBytes() : maxInflightBodyBytes,
          maxExecutorBodyBytes, maxOperatorBodyBytes, bodyReadTimeout);
    } catch (IllegalArgumentException e) {
      throw usage("Invalid HTTP limit: " + e.getMessage());
    }
    CgroupsMode cgroupsMode;
    try {
      cgroupsMode = CgroupsMode.parse(cgroups);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    RecoverMode recoverMode;
    try {
      recoverMode = RecoverMode.parse(recover);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    NodeTls tls;
    try {
      tls = NodeTls.of(tlsCert, tlsKey, caCert);
    } catch (IllegalArgumentException e) {
      throw usage("Invalid TLS option: " + e.getMessage());
    }
    AgentSecurity security;
    try {
      security = AgentSecurity.fromFlags(credentials, authenticateHttpReadonly, acls);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (master.strip().startsWith("https://") && !tls.verifies()) {
      throw usage("Invalid value for option '--master': an https:// master needs --ca-cert to check its certificate");
    }
    return AgentConfig.builder()
        .tls(tls)
        .master(masterUrl)
        .ip(ip)
        .hostname(hostname)
        .port(port)
        .workDir(dir)
        .resources(ResourceDetector.complete(parsedResources, dir))
        .attributes(parsedAttributes)
        .runtimes(runtimeNames)
        .executorRegistrationTimeout(executorRegistrationTimeout)
        .cgroups(cgroupsMode)
        .recover(recoverMode)
        .authenticateHttpExecutors(authenticateHttpExecutors, executorSecretKey)
        .security(security)
        .logRotation(logMaxSize, logMaxFiles)
        .httpLimits(httpLimits)
        .ociRuntime(runtimeNames.contains(OciRuntime.NAME) ? ociBinary : null)
        .build();
  }

  /** The OCI runtime binary {@code --oci-runtime} names, else runc or crun on PATH; null when there is none. */
  private Path ociBinary() {
    if (ociRuntime == null || ociRuntime.isBlank()) {
      return OciRuntime.KNOWN_BINARIES.stream().map(ociBinary).flatMap(Optional::stream).findFirst().orElse(null);
    }
    return ociBinary.apply(ociRuntime.trim()).orElseThrow(() -> usage("Invalid value for option '--oci-runtime': '"
        + ociRuntime.trim() + "' is not an executable on PATH or an absolute path to one (expected runc, crun or a path)"));
  }

  /** The runtimes asked for, checked; or, when none are, those detected on this machine. */
  private List<String> runtimeNames(Path ociBinary) {
    List<String> asked = runtimes == null ? List.of()
        : runtimes.stream().map(String::trim).filter(name -> !name.isEmpty()).distinct().toList();
    if (asked.isEmpty()) {
      List<String> detected = new ArrayList<>(List.of(ProcessRuntime.NAME));
      if (dockerReachable.getAsBoolean()) {
        detected.add(DockerRuntime.NAME);
      }
      if (agentIsRoot.getAsBoolean() && ociBinary != null) {
        detected.add(OciRuntime.NAME);
      }
      log.info("Runtimes detected: {}", String.join(",", detected));
      return List.copyOf(detected);
    }
    for (String runtime : asked) {
      if (!AgentConfig.SUPPORTED_RUNTIMES.contains(runtime)) {
        throw usage("Invalid value for option '--runtimes': runtime '" + runtime
            + "' is not supported; this agent supports only " + String.join(", ", AgentConfig.SUPPORTED_RUNTIMES));
      }
    }
    if (asked.contains(DockerRuntime.NAME) && !dockerReachable.getAsBoolean()) {
      throw usage("Invalid value for option '--runtimes': runtime 'docker' needs a Docker engine, and none answers at "
          + DockerEngine.defaultHost() + " (start dockerd, set DOCKER_HOST, or leave docker out)");
    }
    if (asked.contains(OciRuntime.NAME) && !agentIsRoot.getAsBoolean()) {
      throw usage("Invalid value for option '--runtimes': runtime 'oci' needs the agent to run as root "
          + "(run it as root or leave oci out)");
    }
    if (asked.contains(OciRuntime.NAME) && ociBinary == null) {
      throw usage("Invalid value for option '--runtimes': runtime 'oci' needs runc or crun, and neither is on PATH "
          + "(install one, give --oci-runtime PATH, or leave oci out)");
    }
    return asked;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static void closeQuietly(Agent agent) {
    try {
      agent.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Agent did not close cleanly: {}", e.toString());
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mezzo agent " + Agent.VERSION};
    }
  }
}
