package io.mezzo.benchmarks.load;

import com.google.protobuf.InvalidProtocolBufferException;
import io.mezzo.protocol.RecordIO;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event fan-out: {@code --subscribers} operator SUBSCRIBE streams (real HTTP, protobuf RecordIO)
 * while the load framework launches {@code --tasks} tasks on simulated agents that end after
 * {@code --task-duration}. Prints the events delivered per second to all subscribers together
 * (from the first ACCEPT to the last subscriber's last FINISHED), the master's CPU over that
 * window ({@code /proc/<pid>/stat} of {@code --master-pid}; without it the CPU of this JVM, which
 * then holds the master too), and {@code allocator/mesos/allocation_run_ms} from GET_METRICS.
 * Run it once with {@code --subscribers 0} on a fresh master for the allocation round's baseline.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.load.FanOutBench --subscribers 100 --tasks 1000</pre>
 */
public final class FanOutBench {
  /** The bench's settings; see {@link #usage()}. */
  public record Config(int agents, int tasks, int subscribers, Duration taskDuration, String master, String operator,
      long masterPid, Duration timeout) {}

  /** What a run measured. */
  public record Result(int subscribers, int tasks, int finished, long events, long minTaskEventsPerSubscriber,
      double seconds, double eventsPerSecond, double masterCpuSeconds, boolean cpuOfMasterOnly,
      Map<String, Double> allocation) {
    String summary() {
      return String.format("subscribers=%d tasks=%d finished=%d%n"
              + "events delivered: %,d in %.1f s = %,.0f events/s (fewest task events one subscriber saw: %d)%n"
              + "%s CPU: %.1f s over %.1f s = %.0f%% of one core%n"
              + "allocation_run_ms: runs=%.0f p50=%.2f p90=%.2f p99=%.2f max=%.2f",
          subscribers, tasks, finished, events, seconds, eventsPerSecond, minTaskEventsPerSubscriber,
          cpuOfMasterOnly ? "master" : "JVM (master + driver)", masterCpuSeconds, seconds,
          100 * masterCpuSeconds / seconds, allocation.getOrDefault("count", 0.0), allocation.getOrDefault("p50", 0.0),
          allocation.getOrDefault("p90", 0.0), allocation.getOrDefault("p99", 0.0),
          allocation.getOrDefault("max", 0.0));
    }
  }

  /** One operator stream, counting what it reads. */
  private static final class Subscriber {
    final RecordIO.Decoder decoder = new RecordIO.Decoder();
    final AtomicLong events = new AtomicLong();
    final AtomicLong taskEvents = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    volatile boolean subscribed;
    volatile long lastEventNanos;

    void chunk(Buffer buffer) {
      for (byte[] record : decoder.feed(buffer.getBytes())) {
        Event event;
        try {
          event = Event.parseFrom(record);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("Not an operator event", e);
        }
        events.incrementAndGet();
        lastEventNanos = System.nanoTime();
        switch (event.getType()) {
          case SUBSCRIBED -> subscribed = true;
          case TASK_ADDED -> taskEvents.incrementAndGet();
          case TASK_UPDATED -> {
            taskEvents.incrementAndGet();
            if (event.getTaskUpdated().getState() == TaskState.TASK_FINISHED) {
              finished.incrementAndGet();
            }
          }
          default -> { }
        }
      }
    }
  }

  private FanOutBench() {}

  public static void main(String[] args) throws Exception {
    Config config = BenchFlags.parseOrExit(args, FanOutBench::parse, FanOutBench::usage);
    Result result = run(config);
    System.out.println(result.summary());
    System.exit(result.finished() == config.tasks() ? 0 : 1);
  }

  public static Result run(Config config) throws Exception {
    try (BenchCluster cluster = BenchCluster.start(config.master(), config.operator(), master -> master)) {
      Vertx vertx = cluster.agentsVertx();
      String masterUrl = cluster.masterUrl();
      String operator = cluster.operatorUrl();
      long deadline = System.nanoTime() + config.timeout().toNanos();
      // Distinct tasks whose FINISHED reached their agent acknowledged (an update may be delivered twice).
      Map<String, Boolean> finished = new java.util.concurrent.ConcurrentHashMap<>();
      SimulatedAgents agents = new SimulatedAgents(vertx, new SimulatedAgents.Options(config.agents(), masterUrl,
          "cpus:4;mem:8192;disk:10000;ports:[31000-32000]", Duration.ofMillis(10), config.taskDuration()),
          new SimulatedAgent.Listener() {
            @Override
            public void registered(SimulatedAgent agent, boolean first) {}

            @Override
            public void freed(AgentID agentId, TaskID taskId, TaskState state, long nanos) {
              if (state == TaskState.TASK_FINISHED) {
                finished.put(taskId.getValue(), true);
              }
            }
          });
      cluster.closing(() -> BenchCluster.await(agents.close()));
      BenchCluster.await(agents.start());
      while (agents.registered() < config.agents()) {
        BenchCluster.check(deadline, agents.registered() + " of " + config.agents() + " agents registered");
        Thread.sleep(20);
      }
      List<Subscriber> subscribers = subscribe(vertx, URI.create(operator), config.subscribers());
      while (subscribers.stream().anyMatch(s -> !s.subscribed)) {
        BenchCluster.check(deadline, "operator streams subscribing");
        Thread.sleep(20);
      }
      OperatorProbe probe = new OperatorProbe(operator);
      long pid = config.masterPid();
      double cpuBefore = cpuSeconds(pid);
      long start = System.nanoTime();
      LoadFramework load = new LoadFramework(config.tasks()).start(masterUrl);
      cluster.closing(load::close);
      if (!load.awaitTerminal(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("Timed out: " + load.terminal() + " of " + config.tasks() + " tasks ended");
      }
      // Every stream hears every FINISHED; the window ends with the last one delivered.
      while (subscribers.stream().anyMatch(s -> s.finished.get() < config.tasks())) {
        BenchCluster.check(deadline, "operator streams receiving every FINISHED");
        Thread.sleep(10);
      }
      while (finished.size() < config.tasks()) {
        BenchCluster.check(deadline, "every FINISHED acknowledged on its agent");
        Thread.sleep(10);
      }
      long end = subscribers.stream().mapToLong(s -> s.lastEventNanos).max().orElse(System.nanoTime());
      if (subscribers.isEmpty()) {
        end = System.nanoTime();
      }
      double cpuAfter = cpuSeconds(pid);
      double seconds = (end - start) / 1e9;
      long events = subscribers.stream().mapToLong(s -> s.events.get()).sum();
      long fewest = subscribers.stream().mapToLong(s -> s.taskEvents.get()).min().orElse(0);
      Map<String, Double> metrics = probe.metrics();
      Map<String, Double> allocation = new java.util.TreeMap<>();
      for (String key : List.of("count", "p50", "p90", "p99", "max")) {
        allocation.put(key, metrics.getOrDefault("allocator/mesos/allocation_run_ms/" + key, 0.0));
      }
      return new Result(config.subscribers(), config.tasks(), finished.size(), events, fewest,
          seconds, events / seconds, cpuAfter - cpuBefore, pid > 0, allocation);
    }
  }

  private static List<Subscriber> subscribe(Vertx vertx, URI operator, int count) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(count + 1));
    List<Subscriber> out = new ArrayList<>();
    List<Future<Void>> open = new ArrayList<>();
    byte[] body = Call.newBuilder().setType(Call.Type.SUBSCRIBE).build().toByteArray();
    for (int i = 0; i < count; i++) {
      Subscriber subscriber = new Subscriber();
      out.add(subscriber);
      open.add(client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(operator.getHost())
              .setPort(operator.getPort()).setURI("/api/v1").putHeader("Content-Type", "application/x-protobuf")
              .putHeader("Accept", "application/x-protobuf"))
          .compose(request -> request.send(Buffer.buffer(body)))
          .map(response -> {
            if (response.statusCode() != 200) {
              throw new IllegalStateException("SUBSCRIBE answered " + response.statusCode());
            }
            response.handler(subscriber::chunk);
            return null;
          }));
    }
    BenchCluster.await(Future.all(open));
    return out;
  }

  /** utime + stime of {@code pid} from {@code /proc}, or this JVM's CPU time when pid is 0. */
  static double cpuSeconds(long pid) throws java.io.IOException {
    if (pid <= 0) {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime() / 1e9;
    }
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // Fields after the command name (which may hold spaces) start after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / 100.0; // USER_HZ is 100 on Linux
  }

  static Config parse(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, "--agents", "--tasks", "--subscribers", "--task-duration", "--master",
        "--operator", "--master-pid", "--timeout");
    String master = flags.string("--master", null);
    String operator = flags.string("--operator", null);
    if ((master == null) != (operator == null)) {
      throw new IllegalArgumentException("--master and --operator go together (or neither: start a master here)");
    }
    return new Config(flags.integer("--agents", 100), flags.integer("--tasks", 1000), flags.integer("--subscribers", 100),
        flags.duration("--task-duration", Duration.ofSeconds(2)), master, operator, flags.longInteger("--master-pid", 0),
        flags.duration("--timeout", Duration.ofMinutes(10)));
  }

  static String usage() {
    return "usage: FanOutBench [--agents 100] [--tasks 1000] [--subscribers 100] [--task-duration 2s]\n"
        + "  [--master zk://host:port/path --operator http://host:port [--master-pid PID]"
        + " (default: start a master in this JVM)] [--timeout 10m]";
  }
}
