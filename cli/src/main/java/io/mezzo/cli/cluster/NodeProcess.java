package io.mezzo.cli.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One process of a local cluster. A pid is trusted only when the live process is the one
 * recorded: its command line names the node's role and recorded arguments (so its port and work
 * dir), and its start time matches within {@link #START_TOLERANCE}. A recycled pid therefore
 * never makes {@code delete} kill somebody else's process, and a live node is never judged dead
 * because two readings of its start time differ by a rounding.
 *
 * @param jvmOptions the JVM options it was started with; null in files written before they were recorded
 * @param container the node's Docker container in a cluster in containers ({@link DockerNodes}); null for a
 *     local process, which {@code pid} names
 */
public record NodeProcess(String role, String name, long pid, String startedAt, int port, String url, String log,
    String workDir, List<String> args, List<String> jvmOptions, String container) {
  /** Start times read at different moments (and by different JVMs) may differ by clock-tick rounding. */
  static final Duration START_TOLERANCE = Duration.ofSeconds(2);

  public NodeProcess {
    args = args == null ? null : List.copyOf(args);
    jvmOptions = jvmOptions == null ? null : List.copyOf(jvmOptions);
  }

  /** A local process. */
  public NodeProcess(String role, String name, long pid, String startedAt, int port, String url, String log,
      String workDir, List<String> args, List<String> jvmOptions) {
    this(role, name, pid, startedAt, port, url, log, workDir, args, jvmOptions, null);
  }

  /** The live process this record describes, if it is still running (see the class comment). */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::startMatches).filter(this::commandMatches);
  }

  public boolean alive() {
    if (container != null) {
      DockerNodes docker = DockerNodes.shared();
      return docker != null && docker.running(container);
    }
    return handle().isPresent();
  }

  /**
   * True when something else holds what this node needs: a process listens on its port, or (for
   * an agent) the pid its work dir's {@code agent.json} names runs with that work dir. Starting
   * the node again would then make a duplicate (or fail on "Address already in use" after it has
   * recovered, and killed, the running agent's tasks).
   */
  public Optional<String> heldBy() {
    if (container != null) {
      return Optional.empty(); // its container is its own: nothing else can hold its address
    }
    if (port > 0 && listening(host(), port)) {
      return Optional.of("port " + port + " is in use");
    }
    if (workDir != null && role.equals("agent")) {
      Path registration = Path.of(workDir, "agent.json");
      try {
        long owner = new JsonObject(Files.readString(registration)).getLong("pid", -1L);
        if (owner > 0 && ProcessHandle.of(owner).filter(ProcessHandle::isAlive).isPresent()
            && commandLine(owner).map(c -> c.contains(workDir)).orElse(false)) {
          return Optional.of("its work dir " + workDir + " is used by pid " + owner);
        }
      } catch (IOException | RuntimeException e) {
        // no registration (yet), or not readable: nothing holds the work dir that we can tell
      }
    }
    return Optional.empty();
  }

  private boolean startMatches(ProcessHandle h) {
    if (startedAt == null) {
      return true;
    }
    Optional<Instant> actual = h.info().startInstant();
    try {
      Instant recorded = Instant.parse(startedAt);
      return actual.map(a -> Duration.between(recorded, a).abs().compareTo(START_TOLERANCE) <= 0).orElse(true);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private boolean commandMatches(ProcessHandle h) {
    Optional<List<String>> argv = commandLine(h.pid()).map(c -> Arrays.asList(c.split("\0")));
    if (argv.isEmpty()) {
      return true; // no /proc to read (not Linux): the start time alone decides
    }
    List<String> own = commandLine(ProcessHandle.current().pid()).map(c -> Arrays.asList(c.split("\0"))).orElse(List.of());
    if (stillSpawning(argv.get(), own)) {
      return true; // a node this command has just started, not yet exec'ed: the start time decides
    }
    int at = argv.get().indexOf(role);
    if (at < 0) {
      return false;
    }
    List<String> rest = argv.get().subList(at + 1, argv.get().size());
    return args == null ? true : rest.equals(args);
  }

  /**
   * True while a process this JVM has just started is still between fork and exec: its command
   * line is then empty, the JDK's {@code jspawnhelper}, or still this JVM's own. Readiness checks
   * right after a launch saw that and took a live node for one that had exited.
   */
  static boolean stillSpawning(List<String> argv, List<String> ownArgv) {
    if (argv.isEmpty() || argv.stream().allMatch(String::isEmpty)) {
      return true;
    }
    return argv.get(0).endsWith("jspawnhelper") || argv.equals(ownArgv);
  }

  /** The NUL-separated command line of a process, if /proc has it. */
  static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Optional.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private String host() {
    String authority = url.replaceFirst("^[a-z]+://", "");
    int colon = authority.lastIndexOf(':');
    return colon > 0 ? authority.substring(0, colon) : authority;
  }

  private static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; true when it is gone. */
  public boolean stop(Duration grace) {
    Optional<ProcessHandle> handle = handle();
    return handle.isEmpty() || ClusterRemains.end(handle.get(), grace);
  }

  public JsonObject toJson() {
    return new JsonObject().put("role", role).put("name", name).put("pid", pid).put("started_at", startedAt)
        .put("port", port).put("url", url).put("log", log).put("work_dir", workDir)
        .put("args", args == null ? null : new JsonArray(args))
        .put("jvm_options", jvmOptions == null ? null : new JsonArray(jvmOptions)).put("container", container);
  }

  public static NodeProcess fromJson(JsonObject json) {
    return new NodeProcess(json.getString("role"), json.getString("name"), json.getLong("pid"),
        json.getString("started_at"), json.getInteger("port", 0), json.getString("url"), json.getString("log"),
        json.getString("work_dir"), strings(json.getJsonArray("args")), strings(json.getJsonArray("jvm_options")),
        json.getString("container"));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? null : array.stream().map(String::valueOf).toList();
  }
}
