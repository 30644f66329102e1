package io.mezzo.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What a user would run instead of Mezzo, through the {@code docker} command line: a replicated
 * service on a single-node Swarm, and plain {@code docker run -d}. Everything started carries
 * the bench's {@code prefix} in its name, and is removed again by the same call.
 */
final class DockerCli {
  private DockerCli() {}

  /**
   * {@code docker service create --replicas count} on this node's Swarm (initialised here, and
   * left at the end, when it was not active): seconds from the create to every replica Running
   * in {@code docker service ps}. The service is removed, its containers waited for.
   */
  static double swarm(String prefix, int count, String image, long deadline) throws Exception {
    boolean initialised = false;
    if (!docker("info", "--format", "{{.Swarm.LocalNodeState}}").trim().equals("active")) {
      docker("swarm", "init", "--advertise-addr", "127.0.0.1");
      initialised = true;
    }
    String service = prefix + "-swarm";
    try {
      long start = System.nanoTime();
      // The image is local only: no registry to resolve it against.
      docker("service", "create", "--detach", "--no-resolve-image", "--name", service, "--replicas",
          Integer.toString(count), image, "sleep", "600");
      while (true) {
        long running = docker("service", "ps", service, "--filter", "desired-state=running", "--format",
            "{{.CurrentState}}").lines().filter(state -> state.startsWith("Running")).count();
        if (running >= count) {
          double seconds = (System.nanoTime() - start) / 1e9;
          System.err.printf("swarm: %d replicas running in %.2f s%n", count, seconds);
          return seconds;
        }
        BenchCluster.check(deadline, running + " of " + count + " Swarm replicas running");
        Thread.sleep(200);
      }
    } finally {
      docker("service", "rm", service);
      while (!docker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name=" + service).isBlank()) {
        BenchCluster.check(deadline + TimeUnit.MINUTES.toNanos(2), "the Swarm service's containers removed");
        Thread.sleep(500);
      }
      if (initialised) {
        docker("swarm", "leave", "--force");
      }
    }
  }

  /**
   * {@code count} × {@code docker run -d}, {@code parallel} at a time: seconds from the first
   * call to the last one returned (each returns once its container is running). All are removed.
   */
  static double run(String prefix, int count, String image, int parallel, long deadline) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<String> names = new ArrayList<>();
    try {
      long start = System.nanoTime();
      List<Future<String>> runs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + "-run-" + i;
        names.add(name);
        runs.add(pool.submit(() -> docker("run", "-d", "--name", name, image, "sleep", "600")));
      }
      for (Future<String> run : runs) {
        run.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.err.printf("docker run: %d containers running in %.2f s%n", count, seconds);
      return seconds;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      List<String> remove = new ArrayList<>(List.of("rm", "-f"));
      remove.addAll(names);
      dockerQuietly(remove.toArray(String[]::new));
    }
  }

  /** True when {@code docker version} reaches an engine. */
  static boolean available() {
    try {
      docker("version", "--format", "{{.Server.Version}}");
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs {@code docker args}; its output, or an IOException with it when the exit code is not 0. */
  static String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + out.trim());
    }
    return out;
  }

  private static void dockerQuietly(String... args) {
    try {
      docker(args);
    } catch (IOException | InterruptedException e) {
      System.err.println("while cleaning up: " + e.getMessage()); // containers already gone are fine
    }
  }
}
