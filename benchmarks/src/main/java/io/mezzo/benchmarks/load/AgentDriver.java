package io.mezzo.benchmarks.load;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A process of its own running a slice of a load driver's simulated agents, for a driver whose
 * agents would not fit one JVM (one socket each, and a process may open 20,000 descriptors on the
 * bench machine). Started by {@link AgentDriverProcesses}; it tells its parent of every
 * registration on its standard output, one line per event:
 *
 * <pre>
 * registered sim-00042 1733390000123456     (an agent's first registration; epoch microseconds)
 * reregistered sim-00042 1733390012345678   (every later one: after a lost master or a failover)
 * ending &lt;agent id&gt; 1733390013456789          (a task ended on the agent, which sends its terminal update now)
 * started 2500                              (every agent of the slice created and started)
 * failed &lt;message&gt;                          (the agents could not start; the process exits 1)
 * </pre>
 *
 * Times are wall-clock ({@link #epochMicros()}): the parent runs on the same machine and compares
 * them with its own wall-clock reading taken at the moment it measures from. Everything else the
 * process writes (its log) goes to standard error. It exits as soon as its standard input ends,
 * so it dies with its parent however the parent ends.
 */
public final class AgentDriver {
  static final String REGISTERED = "registered";
  static final String REREGISTERED = "reregistered";
  static final String ENDING = "ending";
  static final String STARTED = "started";
  static final String FAILED = "failed";

  /** What a parent hears from its agents, on whichever thread reads them. */
  interface Events {
    /** Agent {@code hostname} (re-)registered at {@code epochMicros} ({@link #epochMicros()}). */
    void registered(String hostname, boolean first, long epochMicros);

    /** A task ended on agent {@code agentId} at {@code epochMicros}, just before its terminal update went out. */
    default void ending(String agentId, long epochMicros) {}
  }

  /** The driver's settings; see {@link #usage()}. */
  record Config(String master, int agents, int firstIndex, String resources, Duration taskDuration,
      boolean runningOnly) {}

  private AgentDriver() {}

  public static void main(String[] args) throws InterruptedException {
    // Standard output carries events only: nothing else (a library printing, a log appender) may write there.
    PrintStream events = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        java.nio.charset.StandardCharsets.UTF_8);
    System.setOut(System.err);
    Config config = BenchFlags.parseOrExit(args, AgentDriver::parse, AgentDriver::usage);
    EventWriter writer = new EventWriter(events);
    Thread stdin = exitWhenStandardInputEnds(System.in);

    SimulatedAgents agents = new SimulatedAgents(Vertx.vertx(), new SimulatedAgents.Options(config.agents(),
        config.master(), config.resources(), Duration.ofMillis(10), config.taskDuration(), config.runningOnly(),
        config.firstIndex()),
        new SimulatedAgent.Listener() {
          @Override
          public void registered(SimulatedAgent agent, boolean first) {
            writer.add((first ? REGISTERED : REREGISTERED) + ' ' + agent.hostname() + ' ' + epochMicros());
          }

          @Override
          public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {}

          @Override
          public void ending(AgentID agentId, TaskID taskId, TaskState state, long nanos) {
            writer.add(ENDING + ' ' + agentId.getValue() + ' ' + epochMicros());
          }
        });
    agents.start().onComplete(started -> {
      if (started.succeeded()) {
        writer.add(STARTED + ' ' + config.agents());
      } else {
        started.cause().printStackTrace();
        writer.endWith(FAILED + ' ' + String.valueOf(started.cause()).replace('\n', ' '), 1);
      }
    });
    stdin.join();
  }

  /** Microseconds since the epoch, from the wall clock: comparable between processes on one machine. */
  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** Reads (and ignores) standard input until it ends, then ends the process. */
  private static Thread exitWhenStandardInputEnds(InputStream in) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[256];
      try {
        while (in.read(buffer) != -1) {
          // nothing is expected; the end is the message
        }
      } catch (IOException e) {
        // as good as the end
      }
      // The parent is gone or done: its events no longer matter, and halting skips nothing it needs.
      System.err.println(Instant.now() + " standard input ended; exiting");
      Runtime.getRuntime().halt(0);
    }, "agent-driver-stdin");
    thread.start();
    return thread;
  }

  /**
   * One thread writing the queued event lines, flushing whenever the queue runs empty: the agents'
   * event loops never block on a full pipe, and no line is lost or torn.
   */
  private static final class EventWriter {
    /** Queued by {@link #endWith}: the lines before it are written, then the process halts. */
    private static final String END = new String("end");
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintStream out;
    private volatile int endStatus;

    EventWriter(PrintStream out) {
      this.out = out;
      Thread thread = new Thread(this::run, "agent-driver-events");
      thread.setDaemon(true);
      thread.start();
    }

    void add(String line) {
      lines.add(line);
    }

    /** Writes {@code line} after those queued before it, then halts with {@code status}. */
    void endWith(String line, int status) {
      endStatus = status;
      lines.add(line);
      lines.add(END);
    }

    private void run() {
      List<String> batch = new ArrayList<>();
      try {
        while (true) {
          batch.add(lines.take());
          lines.drainTo(batch);
          for (String line : batch) {
            if (line == END) {
              out.flush();
              Runtime.getRuntime().halt(endStatus);
            }
            out.println(line);
          }
          batch.clear();
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--master", "--agents", "--first-index", "--resources",
        "--task-duration", "--running-only");
    String master = flags.string("--master", null);
    if (master == null) {
      throw new IllegalArgumentException("--master is required");
    }
    return new Config(master, flags.integer("--agents", 1), flags.integer("--first-index", 0),
        flags.string("--resources", "cpus:1;mem:1024;disk:1000;ports:[31000-32000]"),
        flags.duration("--task-duration", Duration.ofHours(1)), flags.bool("--running-only", true));
  }

  static String usage() {
    return "usage: AgentDriver --master zk://host:port/mezzo [--agents 1] [--first-index 0 (agent i is sim-<i>)]\n"
        + "  [--resources cpus:1;mem:1024;...] [--task-duration 1h (a task's time from RUNNING to FINISHED)]\n"
        + "  [--running-only true (a task reports RUNNING without STARTING first)]\n"
        + "  events on standard output, one line each: registered|reregistered <hostname> <epoch micros>,\n"
        + "  ending <agent id> <epoch micros>, started <agents>, failed <message>; exits when standard input ends";
  }
}
