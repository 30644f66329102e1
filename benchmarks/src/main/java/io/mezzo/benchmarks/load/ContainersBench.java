package io.mezzo.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S3, real containers side by side on this machine, in one run: {@code --containers} busybox
 * containers ({@code sleep 600}) to running with Mezzo's {@code oci} runtime and with its
 * {@code docker} runtime (a real master and one real agent process each, {@link MezzoContainers}),
 * with {@code docker service create --replicas} on a single-node Swarm, and with plain
 * {@code docker run -d} ({@link DockerCli}). Each part cleans up what it started before the next.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.ContainersBench --containers 100</pre>
 */
public final class ContainersBench {
  /** The parts, in the order they run. */
  static final List<String> PARTS = List.of("oci", "docker", "swarm", "docker-run");

  /** The bench's settings; see {@link #usage()}. */
  public record Config(int containers, List<String> parts, String image, int parallel, Duration timeout, Path logs,
      Path plot) {}

  /** Seconds to all containers running, per part, in run order. */
  public record Result(int containers, Map<String, Double> seconds) {
    String summary() {
      StringBuilder out = new StringBuilder(String.format("S3: %d containers to running%n", containers));
      seconds.forEach((part, s) -> out.append(String.format("  %-11s %7.2f s%n", part, s)));
      Double swarm = seconds.get("swarm");
      Double oci = seconds.get("oci");
      Double docker = seconds.get("docker");
      Double run = seconds.get("docker-run");
      if (swarm != null && oci != null) {
        out.append(String.format("  oci is %.1f× faster than Swarm (goal >= 5×)%n", swarm / oci));
      }
      if (docker != null && run != null) {
        out.append(String.format("  docker runtime / raw docker run = %.2f (goal <= 1.2)%n", docker / run));
      }
      return out.toString();
    }
  }

  private ContainersBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, ContainersBench::parse, ContainersBench::usage);
    System.out.println(run(config).summary());
    System.exit(0);
  }

  public static Result run(Config config) throws Exception {
    Files.createDirectories(config.logs());
    long deadline = System.nanoTime() + config.timeout().toNanos();
    String prefix = "scale-bench-" + ProcessHandle.current().pid();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String part : config.parts()) {
      seconds.put(part, switch (part) {
        case "oci", "docker" -> MezzoContainers.run(part, config.containers(), config.image(), config.logs(), deadline);
        case "swarm" -> DockerCli.swarm(prefix, config.containers(), config.image(), deadline);
        case "docker-run" -> DockerCli.run(prefix, config.containers(), config.image(), config.parallel(), deadline);
        default -> throw new IllegalArgumentException("Unknown part " + part);
      });
    }
    Result result = new Result(config.containers(), seconds);
    if (config.plot() != null) {
      Map<String, Double> bars = new LinkedHashMap<>();
      seconds.forEach((part, s) -> bars.put(label(part, config.parallel()), s));
      BarPlot.write(config.plot(), String.format("S3: %d busybox containers to running, same machine, same run",
          config.containers()), "seconds", bars);
    }
    return result;
  }

  private static String label(String part, int parallel) {
    return switch (part) {
      // Short: the chart cuts longer labels.
      case "oci" -> "Mezzo oci";
      case "docker" -> "Mezzo docker";
      case "swarm" -> "Swarm service";
      default -> "docker run -d ×" + parallel;
    };
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--containers", "--parts", "--image", "--parallel", "--timeout",
        "--logs", "--plot");
    List<String> parts = List.of(flags.string("--parts", String.join(",", PARTS)).split(","));
    for (String part : parts) {
      if (!PARTS.contains(part)) {
        throw new IllegalArgumentException("Bad --parts " + part + ": use some of " + String.join(",", PARTS));
      }
    }
    Path logs = flags.path("--logs");
    return new Config(flags.integer("--containers", 100), parts, flags.string("--image", "mezzo/busybox:test"),
        flags.integer("--parallel", 8), flags.duration("--timeout", Duration.ofMinutes(20)),
        logs != null ? logs : temporary(), flags.path("--plot"));
  }

  private static Path temporary() {
    try {
      return Files.createTempDirectory("containers-bench");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String usage() {
    return "usage: ContainersBench [--containers 100] [--parts oci,docker,swarm,docker-run] [--image mezzo/busybox:test]\n"
        + "  [--parallel 8 (docker run -d at a time)] [--timeout 20m] [--logs dir] [--plot file.png]";
  }
}
