package io.mezzo.benchmarks.load;

import io.mezzo.sdk.Resources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Mezzo's side of the containers bench: a real master ({@code MasterMain}) and one real agent
 * ({@code AgentMain}, {@code --runtimes process,<runtime>}), each in a process of its own, and a
 * framework on the SDK that launches {@code count} busybox containers ({@code sleep 600}) as fast
 * as offers allow. Times the first ACCEPT to the last container's TASK_RUNNING, then kills every
 * task, waits for each to be reported KILLED, and stops the processes.
 */
final class MezzoContainers {
  private static final double CPUS = 0.1;
  private static final double MEM = 32;

  private MezzoContainers() {}

  /**
   * @param runtime {@code oci} or {@code docker}
   * @return seconds from the first ACCEPT to the {@code count}th TASK_RUNNING
   */
  static double run(String runtime, int count, String image, Path logs, long deadline) throws Exception {
    Path dir = Files.createDirectories(logs.resolve(runtime));
    try (BenchCluster cluster = BenchCluster.startMasterProcesses(1, List.of("--allocation-interval", "100ms"), dir)) {
      BenchCluster.MasterProcess master = cluster.masterProcesses().get(0);
      Process agent = startAgent(cluster.masterUrl(), runtime, count, dir);
      cluster.closing(() -> {
        agent.destroy(); // SIGTERM: the agent stops as it would under an init system
        if (!agent.waitFor(60, TimeUnit.SECONDS)) {
          agent.destroyForcibly().waitFor();
        }
      });
      OperatorProbe probe = new OperatorProbe(master.url());
      while (activeAgents(probe) < 1) {
        if (!agent.isAlive()) {
          throw new IllegalStateException("The agent exited; see " + dir.resolve("agent.log"));
        }
        BenchCluster.check(deadline, "the " + runtime + " agent registered");
        Thread.sleep(100);
      }
      Launcher launcher = new Launcher(runtime, count, image);
      SchedulerClient client = SchedulerClient.builder().master(cluster.masterUrl())
          .frameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("containers-bench-" + runtime).build())
          .scheduler(launcher).build().start();
      try {
        double seconds = launcher.allRunning.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        System.err.printf("%s: %d containers running in %.2f s%n", runtime, count, seconds);
        for (String id : launcher.agentOf.keySet()) {
          client.kill(TaskID.newBuilder().setValue(id).build(), launcher.agentOf.get(id));
        }
        launcher.allEnded.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return seconds;
      } finally {
        client.teardown().get(30, TimeUnit.SECONDS);
        client.close().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static double activeAgents(OperatorProbe probe) throws InterruptedException {
    try {
      return probe.metrics().getOrDefault("master/slaves_active", 0.0);
    } catch (IOException e) {
      return 0; // not up, or not leading yet
    }
  }

  private static Process startAgent(String masterUrl, String runtime, int count, Path dir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Room for every container at once, whatever the machine reports.
    String resources = String.format("cpus:%.1f;mem:%d;disk:10000", count * CPUS + 1, (long) (count * MEM + 1024));
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.mezzo.agent.AgentMain", "--master", masterUrl, "--ip", "127.0.0.1", "--hostname", "127.0.0.1",
        "--port", "0", "--work-dir", Files.createDirectories(dir.resolve("work")).toString(),
        "--runtimes", "process," + runtime, "--resources", resources)
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
    builder.environment().put("MEZZO_HOME", dir.resolve("home").toString());
    return BenchCluster.killedAtExit(builder.start());
  }

  /** Launches the containers as offers come, and hears them running and ending. */
  private static final class Launcher implements Scheduler {
    final CompletableFuture<Double> allRunning = new CompletableFuture<>();
    final CompletableFuture<Void> allEnded = new CompletableFuture<>();
    final Map<String, io.mezzo.v1.Protos.AgentID> agentOf = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final String runtime;
    private final int count;
    private final String image;
    private volatile long firstAccept;
    private int launched;

    Launcher(String runtime, int count, String image) {
      this.runtime = runtime;
      this.count = count;
      this.image = image;
    }

    @Override
    public void offers(SchedulerDriver driver, List<Offer> offers) {
      for (Offer offer : offers) {
        int fit = (int) Math.min(Math.floor(scalar(offer, "cpus") / CPUS + 1e-9), Math.floor(scalar(offer, "mem") / MEM));
        int n = Math.min(fit, count - launched);
        if (n <= 0) {
          driver.decline(List.of(offer.getId()), null);
          continue;
        }
        List<TaskInfo> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String id = runtime + "-" + launched++;
          agentOf.put(id, offer.getAgentId());
          tasks.add(TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
              .setAgentId(offer.getAgentId())
              .addAllResources(Resources.allocatedAs(offer, List.of(Resources.cpus(CPUS), Resources.mem(MEM))))
              .setCommand(CommandInfo.newBuilder().setValue("sleep 600")).setContainer(container()).build());
        }
        if (firstAccept == 0) {
          firstAccept = System.nanoTime();
        }
        driver.launch(offer.getId(), tasks);
      }
    }

    private ContainerInfo container() {
      if (runtime.equals("docker")) {
        return ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)).build();
      }
      return ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
          .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
              .setDocker(Image.Docker.newBuilder().setName(image)))).build();
    }

    @Override
    public void update(SchedulerDriver driver, TaskStatus status) {
      String id = status.getTaskId().getValue();
      if (status.getState() == TaskState.TASK_RUNNING && running.add(id) && running.size() == count) {
        allRunning.complete((System.nanoTime() - firstAccept) / 1e9);
      } else if (io.mezzo.protocol.TaskStates.isTerminal(status.getState())) {
        if (!allRunning.isDone()) {
          allRunning.completeExceptionally(new IllegalStateException("Task " + id + " " + status.getState()
              + " before all were running: " + status.getMessage()));
        }
        if (ended.add(id) && ended.size() == count) {
          allEnded.complete(null);
        }
      }
    }

    private static double scalar(Offer offer, String name) {
      return offer.getResourcesList().stream().filter(r -> r.getName().equals(name) && r.hasScalar())
          .mapToDouble(r -> r.getScalar().getValue()).sum();
    }
  }
}
