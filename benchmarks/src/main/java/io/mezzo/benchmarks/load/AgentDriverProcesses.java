package io.mezzo.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load driver's simulated agents split over {@code processes} child JVMs, each an
 * {@link AgentDriver} on this JVM's java binary and class path with its slice of the agents
 * (distinct host names: the slices are numbered on from each other), its output (its log) in
 * {@code agents-<i>.log} in the logs directory. A reader thread per child hands its event lines to
 * {@link AgentDriver.Events}. {@link #close()} ends every child: it closes their standard input
 * (on which they exit), then kills what is left; they are killed too if this JVM exits otherwise.
 */
final class AgentDriverProcesses implements AutoCloseable {
  /** One child: its process, log, and what its reader has seen. */
  private record Child(int index, Process process, Path log, Thread reader, AtomicInteger started,
      StringBuilder failure) {}

  private final List<Child> children = new ArrayList<>();

  private AgentDriverProcesses() {}

  /**
   * Starts the children; they register their agents in the background (watch the events).
   *
   * @param heap each child's maximum heap, as for {@code -Xmx} ({@code 2g})
   * @param javaOptions more options for each child's JVM
   * @param taskDuration a task's time from RUNNING to FINISHED on the agents
   * @param runningOnly whether tasks report RUNNING without STARTING first
   * @param nice the children's niceness (0 to 19, {@code nice -n}): above 0 they take the cores only when
   *     the masters leave them, as agents on machines of their own would
   */
  static AgentDriverProcesses start(int processes, int agents, String master, String resources, String heap,
      List<String> javaOptions, Duration taskDuration, boolean runningOnly, int nice, Path logs,
      AgentDriver.Events events) throws IOException {
    if (processes < 1 || processes > agents) {
      throw new IllegalArgumentException("--agent-processes must be between 1 and the number of agents ("
          + agents + "), got " + processes);
    }
    AgentDriverProcesses drivers = new AgentDriverProcesses();
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      int first = 0;
      for (int i = 0; i < processes; i++) {
        int slice = agents / processes + (i < agents % processes ? 1 : 0);
        Path log = logs.resolve("agents-" + i + ".log");
        List<String> jvm = new ArrayList<>(List.of(java, "-Xmx" + heap));
        jvm.addAll(javaOptions);
        jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentDriver.class.getName(),
            "--master", master, "--agents", Integer.toString(slice), "--first-index", Integer.toString(first),
            "--resources", resources, "--task-duration", taskDuration.toMillis() + "ms",
            "--running-only", Boolean.toString(runningOnly)));
        List<String> command = niced(nice, jvm);
        Process process = BenchCluster.killedAtExit(new ProcessBuilder(command).redirectError(log.toFile()).start());
        drivers.children.add(drivers.read(i, process, log, events));
        first += slice;
      }
      return drivers;
    } catch (IOException | RuntimeException e) {
      drivers.close();
      throw e;
    }
  }

  /** {@code command} run at niceness {@code nice} ({@code nice -n}), or as it is for 0. */
  static List<String> niced(int nice, List<String> command) {
    if (nice == 0) {
      return command;
    }
    List<String> niced = new ArrayList<>(List.of("nice", "-n", Integer.toString(nice)));
    niced.addAll(command);
    return niced;
  }

  private Child read(int index, Process process, Path log, AgentDriver.Events events) {
    AtomicInteger started = new AtomicInteger();
    StringBuilder failure = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          String[] words = line.split(" ", 3);
          switch (words[0]) {
            case AgentDriver.REGISTERED, AgentDriver.REREGISTERED -> events.registered(words[1],
                words[0].equals(AgentDriver.REGISTERED), Long.parseLong(words[2]));
            case AgentDriver.ENDING -> events.ending(words[1], Long.parseLong(words[2]));
            case AgentDriver.STARTED -> started.set(Integer.parseInt(words[1]));
            case AgentDriver.FAILED -> {
              synchronized (failure) {
                failure.append(line.substring(AgentDriver.FAILED.length()).trim());
              }
            }
            default -> System.err.println("agent driver " + index + " wrote an unknown line: " + line);
          }
        }
      } catch (IOException | RuntimeException e) {
        // A torn or bad line, or the pipe closing as the child is killed: the child's state tells which.
        if (process.isAlive()) {
          System.err.println("agent driver " + index + ": cannot read its events: " + e);
        }
      }
    }, "agent-driver-" + index + "-events");
    reader.setDaemon(true);
    reader.start();
    return new Child(index, process, log, reader, started, failure);
  }

  /** Agents the children report started (created and told to register). */
  int started() {
    return children.stream().mapToInt(child -> child.started().get()).sum();
  }

  /** Fails the run if a child failed or exited: its agents will never (re-)register. */
  void checkRunning() {
    for (Child child : children) {
      String failure;
      synchronized (child.failure()) {
        failure = child.failure().toString();
      }
      if (!failure.isEmpty()) {
        throw new IllegalStateException("Agent driver " + child.index() + " failed: " + failure + "; see "
            + child.log());
      }
      if (!child.process().isAlive()) {
        throw new IllegalStateException("Agent driver " + child.index() + " exited with "
            + child.process().exitValue() + "; see " + child.log());
      }
    }
  }

  @Override
  public void close() {
    for (Child child : children) {
      try {
        child.process().getOutputStream().close();
      } catch (IOException e) {
        // it is going anyway
      }
    }
    for (Child child : children) {
      try {
        if (!child.process().waitFor(5, TimeUnit.SECONDS)) {
          child.process().destroyForcibly().waitFor();
        }
        child.reader().join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        children.forEach(c -> c.process().destroyForcibly());
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
