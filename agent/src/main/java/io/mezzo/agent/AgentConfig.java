package io.mezzo.agent;

import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.http.AgentSecurity;
import io.mezzo.agent.http.HttpLimits;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.agent.support.MasterUrl;
import io.mezzo.protocol.MesosDurations;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.node.tls.NodeTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent is told at start: its master, the address it advertises, its work directory
 * and the resources, attributes and runtimes it offers. Resources are taken as given (no
 * detection here; {@link AgentMain} detects what its flags leave out). Built with
 * {@link #builder()}, which holds every default:
 *
 * <pre>{@code
 * AgentConfig config = AgentConfig.builder().master("zk://127.0.0.1:2181/mezzo").workDir(dir).port(0).build();
 * }</pre>
 */
public final class AgentConfig {
  /** The runtimes this agent can run. */
  public static final Set<String> SUPPORTED_RUNTIMES = Set.of("process", "docker", "oci");
  public static final String DEFAULT_IP = "127.0.0.1";
  /** The Mesos agent's port. */
  public static final int DEFAULT_PORT = 5051;
  public static final List<String> DEFAULT_RUNTIMES = List.of("process");
  /** Mesos's {@code --executor_registration_timeout} default. */
  public static final Duration DEFAULT_EXECUTOR_REGISTRATION_TIMEOUT = Duration.ofMinutes(1);
  /** The default cap of a task's {@code stdout} and {@code stderr}: 10 MB, as Mesos's logrotate module. */
  public static final long DEFAULT_LOG_MAX_SIZE = 10L * 1024 * 1024;
  /** How many rotated log files are kept by default. */
  public static final int DEFAULT_LOG_MAX_FILES = 5;

  private final MasterUrl master;
  private final String ip;
  private final String hostname;
  private final int port;
  private final Path workDir;
  private final List<Resource> resources;
  private final List<Attribute> attributes;
  private final List<String> runtimes;
  private final Duration executorRegistrationTimeout;
  private final CgroupsMode cgroups;
  private final RecoverMode recover;
  private final long logMaxSize;
  private final int logMaxFiles;
  private final Path ociRuntime;
  private final HttpLimits httpLimits;
  private final boolean authenticateHttpExecutors;
  private final Path executorSecretKey;
  private final NodeTls tls;
  private final AgentSecurity security;

  private AgentConfig(Builder builder) {
    if (builder.master == null) {
      throw new IllegalStateException("An agent needs a master: AgentConfig.builder().master(…) was not called");
    }
    if (builder.workDir == null) {
      throw new IllegalStateException("An agent needs a work dir: AgentConfig.builder().workDir(…) was not called");
    }
    master = builder.master;
    workDir = builder.workDir.toAbsolutePath().normalize();
    ip = builder.ip == null || builder.ip.isBlank() ? DEFAULT_IP : builder.ip.trim();
    hostname = builder.hostname == null || builder.hostname.isBlank() ? ip : builder.hostname.trim();
    if (builder.port < 0 || builder.port > 65535) {
      throw new IllegalArgumentException("Bad port " + builder.port + ": expected 0 (any free port) to 65535");
    }
    port = builder.port;
    resources = List.copyOf(builder.resources);
    attributes = List.copyOf(builder.attributes);
    runtimes = List.copyOf(builder.runtimes.isEmpty() ? DEFAULT_RUNTIMES : builder.runtimes);
    for (String runtime : runtimes) {
      if (!SUPPORTED_RUNTIMES.contains(runtime)) {
        throw new IllegalArgumentException(
            "Unsupported runtime '" + runtime + "': this agent supports only " + SUPPORTED_RUNTIMES);
      }
    }
    executorRegistrationTimeout = builder.executorRegistrationTimeout;
    if (executorRegistrationTimeout.isNegative() || executorRegistrationTimeout.isZero()) {
      throw new IllegalArgumentException(
          "The executor registration timeout must be positive, not " + MesosDurations.format(executorRegistrationTimeout));
    }
    cgroups = builder.cgroups;
    recover = builder.recover;
    logMaxSize = builder.logMaxSize;
    if (logMaxSize <= 0) {
      throw new IllegalArgumentException("The log size cap must be positive, not " + logMaxSize + " bytes");
    }
    logMaxFiles = builder.logMaxFiles;
    if (logMaxFiles < 1) {
      throw new IllegalArgumentException("At least one rotated log file must be kept, not " + logMaxFiles);
    }
    ociRuntime = builder.ociRuntime;
    httpLimits = builder.httpLimits != null ? builder.httpLimits : HttpLimits.defaults();
    authenticateHttpExecutors = builder.authenticateHttpExecutors;
    executorSecretKey = builder.executorSecretKey;
    if (executorSecretKey != null && !authenticateHttpExecutors) {
      throw new IllegalArgumentException("An executor secret key is only used with executor authentication on");
    }
    tls = builder.tls;
    security = builder.security;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to change some of it. */
  public Builder toBuilder() {
    return new Builder()
        .master(master).ip(ip).hostname(hostname).port(port).workDir(workDir)
        .resources(resources).attributes(attributes).runtimes(runtimes)
        .executorRegistrationTimeout(executorRegistrationTimeout).cgroups(cgroups).recover(recover)
        .logRotation(logMaxSize, logMaxFiles).ociRuntime(ociRuntime)
        .httpLimits(httpLimits).tls(tls).authenticateHttpExecutors(authenticateHttpExecutors, executorSecretKey)
        .security(security);
  }

  /** Where the leading master is found. */
  public MasterUrl master() {
    return master;
  }

  /** The address the agent's HTTP API listens on and advertises. */
  public String ip() {
    return ip;
  }

  /** The hostname advertised to the master. */
  public String hostname() {
    return hostname;
  }

  /** The agent's HTTP API port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** The directory that holds sandboxes, checkpoints and {@code agent.json}; absolute. */
  public Path workDir() {
    return workDir;
  }

  /** What the agent offers (Mesos resources, default role). */
  public List<Resource> resources() {
    return resources;
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  /** The runtimes tasks may use: {@code process}, {@code docker}, {@code oci}. */
  public List<String> runtimes() {
    return runtimes;
  }

  /** How long a custom executor may take to SUBSCRIBE before it is killed and its tasks fail. */
  public Duration executorRegistrationTimeout() {
    return executorRegistrationTimeout;
  }

  /** Whether the process runtime limits tasks with cgroups where the machine has them. */
  public CgroupsMode cgroups() {
    return cgroups;
  }

  /** Whether executors must authenticate with their token ({@code --authenticate-http-executors}). */
  public boolean authenticateHttpExecutors() {
    return authenticateHttpExecutors;
  }

  /** The key that signs executor tokens; empty: {@code <work dir>/executor-secret.key}, made on first use. */
  public Optional<Path> executorSecretKey() {
    return Optional.ofNullable(executorSecretKey);
  }

  /** What a restarted agent does with the tasks it finds checkpointed. */
  public RecoverMode recover() {
    return recover;
  }

  /** The size in bytes above which a task's {@code stdout} or {@code stderr} is rotated. */
  public long logMaxSize() {
    return logMaxSize;
  }

  /** How many rotated {@code stdout.N} / {@code stderr.N} files are kept. */
  public int logMaxFiles() {
    return logMaxFiles;
  }

  /** The OCI runtime binary the {@code oci} runtime runs; null for runc, else crun, found on PATH. */
  public Path ociRuntime() {
    return ociRuntime;
  }

  /** What the agent's HTTP API lets request bodies take: the in-flight budget, the caps per endpoint, the read timeout. */
  public HttpLimits httpLimits() {
    return httpLimits;
  }

  /**
   * The agent's TLS files: its certificate, which its HTTP API serves and which it presents to the
   * master, and the cluster CA it verifies the master against (its master link speaks HTTPS then).
   */
  public NodeTls tls() {
    return tls;
  }

  /** Who may read the HTTP API and whose sandboxes ({@code --credentials}, {@code --authenticate-http-readonly}, {@code --acls}). */
  public AgentSecurity security() {
    return security;
  }

  /**
   * This configuration as the agent's flags, by their names without {@code --} and with their
   * values in flag syntax, as the operator API's GET_FLAGS shows them; resources and attributes
   * as given or detected, flags that are not set are left out.
   */
  public Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("master", master.toString());
    flags.put("ip", ip);
    flags.put("hostname", hostname);
    flags.put("port", Integer.toString(port));
    flags.put("work-dir", workDir.toString());
    flags.put("resources", formatResources(resources));
    flags.put("attributes", formatAttributes(attributes));
    flags.put("runtimes", String.join(",", runtimes));
    if (ociRuntime != null) {
      flags.put("oci-runtime", ociRuntime.toString());
    }
    flags.put("executor-registration-timeout", MesosDurations.format(executorRegistrationTimeout));
    flags.put("cgroups", cgroups.name().toLowerCase(java.util.Locale.ROOT));
    flags.put("recover", recover.name().toLowerCase(java.util.Locale.ROOT));
    flags.put("authenticate-http-executors", Boolean.toString(authenticateHttpExecutors));
    if (executorSecretKey != null) {
      flags.put("executor-secret-key", executorSecretKey.toString());
    }
    flags.put("log-max-size", Long.toString(logMaxSize));
    flags.put("log-max-files", Integer.toString(logMaxFiles));
    flags.put("max-inflight-body-bytes", Long.toString(httpLimits.inflightBodyBytes()));
    flags.put("max-executor-body-bytes", Long.toString(httpLimits.executorBodyBytes()));
    flags.put("max-operator-body-bytes", Long.toString(httpLimits.operatorBodyBytes()));
    flags.put("body-read-timeout", MesosDurations.format(httpLimits.bodyReadTimeout()));
    if (tls.serves()) {
      flags.put("tls-cert", tls.cert().toString());
      flags.put("tls-key", tls.key().toString());
    }
    if (tls.verifies()) {
      flags.put("ca-cert", tls.ca().toString());
    }
    security.flags(flags);
    return flags;
  }

  /** Resources in {@code --resources} syntax: {@code cpus:2;mem:1024;ports:[31000-31009]}, roles in parentheses. */
  private static String formatResources(List<Resource> resources) {
    List<String> parts = new java.util.ArrayList<>();
    for (Resource r : resources) {
      String role = r.hasRole() && !r.getRole().equals("*") ? "(" + r.getRole() + ")" : "";
      parts.add(r.getName() + role + ":" + formatValue(r.getType(), r.getScalar(), r.getRanges(), r.getSet(), null));
    }
    return String.join(";", parts);
  }

  /** Attributes in {@code --attributes} syntax: {@code rack:r1;zone:a}. */
  private static String formatAttributes(List<Attribute> attributes) {
    List<String> parts = new java.util.ArrayList<>();
    for (Attribute a : attributes) {
      parts.add(a.getName() + ":" + formatValue(a.getType(), a.getScalar(), a.getRanges(), a.getSet(), a.getText()));
    }
    return String.join(";", parts);
  }

  private static String formatValue(io.mezzo.v1.Protos.Value.Type type, io.mezzo.v1.Protos.Value.Scalar scalar,
      io.mezzo.v1.Protos.Value.Ranges ranges, io.mezzo.v1.Protos.Value.Set set, io.mezzo.v1.Protos.Value.Text text) {
    return switch (type) {
      case SCALAR -> scalar.getValue() == Math.rint(scalar.getValue())
          ? Long.toString((long) scalar.getValue()) : Double.toString(scalar.getValue());
      case RANGES -> "[" + String.join(",", ranges.getRangeList().stream()
          .map(range -> range.getBegin() + "-" + range.getEnd()).toList()) + "]";
      case SET -> "{" + String.join(",", set.getItemList()) + "}";
      case TEXT -> text == null ? "" : text.getValue();
    };
  }

  @Override
  public String toString() {
    return "AgentConfig[master=" + master + ", ip=" + ip + ", hostname=" + hostname + ", port=" + port
        + ", workDir=" + workDir + ", runtimes=" + runtimes + ", recover=" + recover + "]";
  }

  /**
   * The options of an agent, each named; {@link #build()} checks them. {@link #master} and
   * {@link #workDir} are required, everything else has the default its javadoc gives.
   */
  public static final class Builder {
    private MasterUrl master;
    private Path workDir;
    private String ip = DEFAULT_IP;
    private String hostname;
    private int port = DEFAULT_PORT;
    private List<Resource> resources = List.of();
    private List<Attribute> attributes = List.of();
    private List<String> runtimes = DEFAULT_RUNTIMES;
    private Duration executorRegistrationTimeout = DEFAULT_EXECUTOR_REGISTRATION_TIMEOUT;
    private CgroupsMode cgroups = CgroupsMode.AUTO;
    private RecoverMode recover = RecoverMode.RECONNECT;
    private long logMaxSize = DEFAULT_LOG_MAX_SIZE;
    private int logMaxFiles = DEFAULT_LOG_MAX_FILES;
    private Path ociRuntime;
    private HttpLimits httpLimits;
    private boolean authenticateHttpExecutors;
    private Path executorSecretKey;
    private NodeTls tls = NodeTls.OFF;
    private AgentSecurity security = AgentSecurity.NONE;

    private Builder() {}

    /** Required: where the leading master is found. */
    public Builder master(MasterUrl master) {
      this.master = Objects.requireNonNull(master, "master");
      return this;
    }

    /**
     * Required: {@code zk://host:port[,host:port]/path} or {@code http://host:port}.
     *
     * @throws IllegalArgumentException when {@code url} is neither
     */
    public Builder master(String url) {
      return master(MasterUrl.parse(url));
    }

    /** Required: the directory for sandboxes, checkpoints and {@code agent.json}. */
    public Builder workDir(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** The address to listen on and advertise; default (and when blank) {@value AgentConfig#DEFAULT_IP}. */
    public Builder ip(String ip) {
      this.ip = ip;
      return this;
    }

    /** The hostname to advertise; default (and when null or blank) the ip. */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** The HTTP API's port, 0 for any free one; default {@value AgentConfig#DEFAULT_PORT}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** What the agent offers; default nothing. */
    public Builder resources(List<Resource> resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /** The agent's attributes; default none. */
    public Builder attributes(List<Attribute> attributes) {
      this.attributes = Objects.requireNonNull(attributes, "attributes");
      return this;
    }

    /** The runtimes tasks may use; default (and when empty) {@code process}. */
    public Builder runtimes(List<String> runtimes) {
      this.runtimes = Objects.requireNonNull(runtimes, "runtimes");
      return this;
    }

    public Builder runtimes(String... runtimes) {
      return runtimes(List.of(runtimes));
    }

    /** How long a custom executor may take to SUBSCRIBE; positive; default one minute, as Mesos. */
    public Builder executorRegistrationTimeout(Duration timeout) {
      this.executorRegistrationTimeout = Objects.requireNonNull(timeout, "executorRegistrationTimeout");
      return this;
    }

    /** {@code --cgroups}; default {@link CgroupsMode#AUTO}. */
    public Builder cgroups(CgroupsMode mode) {
      this.cgroups = Objects.requireNonNull(mode, "cgroups");
      return this;
    }

    /**
     * {@code --authenticate-http-executors} and {@code --executor-secret-key} (Mesos's flags):
     * each executor gets a token signed with the key, and the executor API refuses calls without
     * the caller's own. Default off.
     *
     * @param secretKey the key file (at least 32 bytes), or null for one the agent makes in its work dir
     */
    public Builder authenticateHttpExecutors(boolean on, Path secretKey) {
      this.authenticateHttpExecutors = on;
      this.executorSecretKey = secretKey;
      return this;
    }

    /** {@code --recover}; default {@link RecoverMode#RECONNECT} (checkpointed tasks are re-adopted). */
    public Builder recover(RecoverMode mode) {
      this.recover = Objects.requireNonNull(mode, "recover");
      return this;
    }

    /**
     * The cap of a task's {@code stdout}/{@code stderr} in bytes (positive) and how many rotated
     * files are kept (at least 1); default 10 MB and 5 (see {@link io.mezzo.agent.sandbox.LogRotator}).
     */
    public Builder logRotation(long maxSize, int maxFiles) {
      this.logMaxSize = maxSize;
      this.logMaxFiles = maxFiles;
      return this;
    }

    /** The OCI runtime binary the {@code oci} runtime runs; default (null) runc, else crun, found on PATH. */
    public Builder ociRuntime(Path binary) {
      this.ociRuntime = binary;
      return this;
    }

    /**
     * Serve the HTTP API over TLS with {@code tls}'s certificate, and talk to the master over TLS,
     * verified against its CA and presenting that certificate. Plain HTTP by default.
     */
    public Builder tls(NodeTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** {@code --credentials}, {@code --authenticate-http-readonly} and {@code --acls}; default {@link AgentSecurity#NONE}. */
    public Builder security(AgentSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /** The limits of the HTTP API's request bodies; default (null) {@link HttpLimits#defaults()}. */
    public Builder httpLimits(HttpLimits limits) {
      this.httpLimits = limits;
      return this;
    }

    /**
     * @throws IllegalStateException when the master or the work dir was not given
     * @throws IllegalArgumentException naming the option whose value is wrong
     */
    public AgentConfig build() {
      return new AgentConfig(this);
    }
  }
}
