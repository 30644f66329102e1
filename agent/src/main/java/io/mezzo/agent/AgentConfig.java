package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;

import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.protocol.MesosDurations;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.Resource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an agent is told at start: its master, the address it advertises, its work directory
 * and the resources, attributes and runtimes it offers. Resources are taken as given (no
 * detection here; {@link AgentMain} detects what its flags leave out).
 *
 * @param master where the leading master is found
 * @param ip the address the agent's HTTP API listens on and advertises
 * @param hostname the hostname advertised to the master; the ip when null or blank
 * @param port the agent's HTTP API port; 0 picks a free one
 * @param workDir the directory that holds sandboxes and {@code agent.json}
 * @param resources what the agent offers (Mesos resources, default role)
 * @param attributes the agent's attributes
 * @param runtimes the runtimes tasks may use: {@code process}, {@code docker}, {@code oci}
 * @param executorRegistrationTimeout how long a custom executor may take to SUBSCRIBE before
 *     it is killed and its tasks fail; null means Mesos's default of one minute
 * @param cgroups whether the process runtime limits tasks with cgroups where the machine has
 *     them ({@code auto}, the default when null) or never ({@code off})
 * @param recover what a restarted agent does with the tasks it finds checkpointed
 *     ({@code reconnect}, the default when null, or {@code cleanup})
 * @param logMaxSize the size in bytes above which a task's {@code stdout} or {@code stderr} is
 *     rotated (see {@link io.mezzo.agent.sandbox.LogRotator}); positive
 * @param logMaxFiles how many rotated {@code stdout.N} / {@code stderr.N} files are kept; at least 1
 * @param ociRuntime the OCI runtime binary ({@code runc}, {@code crun}) the {@code oci} runtime
 *     runs; null for runc, else crun, found on PATH
 */
public record AgentConfig(
    MasterUrl master,
    String ip,
    String hostname,
    int port,
    Path workDir,
    List<Resource> resources,
    List<Attribute> attributes,
    List<String> runtimes,
    Duration executorRegistrationTimeout,
    CgroupsMode cgroups,
    RecoverMode recover,
    long logMaxSize,
    int logMaxFiles,
    Path ociRuntime) {

  /** The runtimes this agent can run. */
  public static final Set<String> SUPPORTED_RUNTIMES = Set.of("process", "docker", "oci");
  public static final String DEFAULT_IP = "127.0.0.1";
  public static final int DEFAULT_PORT = 5051;
  /** Mesos's {@code --executor_registration_timeout} default. */
  public static final Duration DEFAULT_EXECUTOR_REGISTRATION_TIMEOUT = Duration.ofMinutes(1);
  /** The default cap of a task's {@code stdout} and {@code stderr}: 10 MB, as Mesos's logrotate module. */
  public static final long DEFAULT_LOG_MAX_SIZE = 10L * 1024 * 1024;
  /** How many rotated log files are kept by default. */
  public static final int DEFAULT_LOG_MAX_FILES = 5;

  public AgentConfig {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(workDir, "workDir");
    ip = ip == null || ip.isBlank() ? DEFAULT_IP : ip.trim();
    hostname = hostname == null || hostname.isBlank() ? ip : hostname.trim();
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Bad port " + port + ": expected 0 (any free port) to 65535");
    }
    workDir = workDir.toAbsolutePath().normalize();
    resources = List.copyOf(resources == null ? List.of() : resources);
    attributes = List.copyOf(attributes == null ? List.of() : attributes);
    runtimes = List.copyOf(runtimes == null || runtimes.isEmpty() ? List.of("process") : runtimes);
    for (String runtime : runtimes) {
      if (!SUPPORTED_RUNTIMES.contains(runtime)) {
        throw new IllegalArgumentException(
            "Unsupported runtime '" + runtime + "': this agent supports only " + SUPPORTED_RUNTIMES);
      }
    }
    executorRegistrationTimeout = executorRegistrationTimeout == null
        ? DEFAULT_EXECUTOR_REGISTRATION_TIMEOUT : executorRegistrationTimeout;
    if (executorRegistrationTimeout.isNegative() || executorRegistrationTimeout.isZero()) {
      throw new IllegalArgumentException(
          "The executor registration timeout must be positive, not " + MesosDurations.format(executorRegistrationTimeout));
    }
    cgroups = cgroups == null ? CgroupsMode.AUTO : cgroups;
    recover = recover == null ? RecoverMode.RECONNECT : recover;
    if (logMaxSize <= 0) {
      throw new IllegalArgumentException("The log size cap must be positive, not " + logMaxSize + " bytes");
    }
    if (logMaxFiles < 1) {
      throw new IllegalArgumentException("At least one rotated log file must be kept, not " + logMaxFiles);
    }
  }

  /**
   * A configuration that re-adopts checkpointed tasks ({@code --recover=reconnect}), with the
   * default log rotation (10 MB, 5 files) and the OCI runtime binary found on PATH.
   */
  public AgentConfig(
      MasterUrl master,
      String ip,
      String hostname,
      int port,
      Path workDir,
      List<Resource> resources,
      List<Attribute> attributes,
      List<String> runtimes,
      Duration executorRegistrationTimeout,
      CgroupsMode cgroups) {
    this(master, ip, hostname, port, workDir, resources, attributes, runtimes, executorRegistrationTimeout, cgroups,
        null, DEFAULT_LOG_MAX_SIZE, DEFAULT_LOG_MAX_FILES, null);
  }

  /** A configuration with cgroups detected ({@code auto}). */
  public AgentConfig(
      MasterUrl master,
      String ip,
      String hostname,
      int port,
      Path workDir,
      List<Resource> resources,
      List<Attribute> attributes,
      List<String> runtimes,
      Duration executorRegistrationTimeout) {
    this(master, ip, hostname, port, workDir, resources, attributes, runtimes, executorRegistrationTimeout, null);
  }

  /** A configuration with the default executor registration timeout. */
  public AgentConfig(
      MasterUrl master,
      String ip,
      String hostname,
      int port,
      Path workDir,
      List<Resource> resources,
      List<Attribute> attributes,
      List<String> runtimes) {
    this(master, ip, hostname, port, workDir, resources, attributes, runtimes, null);
  }

  /** This configuration with another executor registration timeout. */
  public AgentConfig withExecutorRegistrationTimeout(Duration timeout) {
    return new AgentConfig(master, ip, hostname, port, workDir, resources, attributes, runtimes, timeout, cgroups,
        recover, logMaxSize, logMaxFiles, ociRuntime);
  }

  /** This configuration with another {@code --cgroups} mode. */
  public AgentConfig withCgroups(CgroupsMode mode) {
    return new AgentConfig(master, ip, hostname, port, workDir, resources, attributes, runtimes,
        executorRegistrationTimeout, mode, recover, logMaxSize, logMaxFiles, ociRuntime);
  }

  /** This configuration with another {@code --recover} mode. */
  public AgentConfig withRecover(RecoverMode mode) {
    return new AgentConfig(master, ip, hostname, port, workDir, resources, attributes, runtimes,
        executorRegistrationTimeout, cgroups, mode, logMaxSize, logMaxFiles, ociRuntime);
  }

  /** This configuration with another cap of the tasks' {@code stdout}/{@code stderr} and number of rotated files. */
  public AgentConfig withLogRotation(long maxSize, int maxFiles) {
    return new AgentConfig(master, ip, hostname, port, workDir, resources, attributes, runtimes,
        executorRegistrationTimeout, cgroups, recover, maxSize, maxFiles, ociRuntime);
  }

  /** This configuration with another OCI runtime binary (null: found on PATH). */
  public AgentConfig withOciRuntime(Path binary) {
    return new AgentConfig(master, ip, hostname, port, workDir, resources, attributes, runtimes,
        executorRegistrationTimeout, cgroups, recover, logMaxSize, logMaxFiles, binary);
  }

  /** An agent on 127.0.0.1, any free port, the process runtime: what in-JVM clusters use. */
  public static AgentConfig local(MasterUrl master, Path workDir, List<Resource> resources) {
    return new AgentConfig(master, DEFAULT_IP, null, 0, workDir, resources, List.of(), List.of("process"));
  }
}
