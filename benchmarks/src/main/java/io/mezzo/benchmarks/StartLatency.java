package io.mezzo.benchmarks;

import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.testkit.LocalCluster;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A load driver for issue 5's start latency: launches N tasks one after another in one
 * runtime on an in-JVM cluster and measures, for each, the time from sending ACCEPT to the
 * TASK_RUNNING update. Run it with
 * {@code java -cp benchmarks/target/benchmarks.jar io.mezzo.benchmarks.StartLatency process 20}
 * (or {@code docker 20}, which needs a Docker engine and the local image mezzo/busybox:test; or
 * {@code oci 20}, which also needs root and runc or crun: the image is exported and extracted
 * once, by the first task, then started from the agent's cache).
 */
public final class StartLatency {
  private StartLatency() {}

  public static void main(String[] args) throws Exception {
    String runtime = args.length > 0 ? args[0] : "process";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    if (!runtime.equals("process") && !runtime.equals("docker") && !runtime.equals("oci")) {
      System.err.println("usage: StartLatency process|docker|oci [count]");
      System.exit(2);
    }
    List<Double> millis = new ArrayList<>();
    try (LocalCluster cluster = LocalCluster.builder().agents(1).runtimes(runtime.equals("process")
        ? new String[] {"process"} : new String[] {"process", runtime}).build().start()) {
      for (int i = 0; i < count; i++) {
        millis.add(oneTask(cluster, runtime, i));
      }
    }
    Collections.sort(millis);
    System.out.printf("runtime=%s tasks=%d median=%.1f ms p90=%.1f ms min=%.1f ms max=%.1f ms%n", runtime, count,
        millis.get(count / 2), millis.get((int) Math.ceil(count * 0.9) - 1), millis.get(0), millis.get(count - 1));
    System.exit(0);
  }

  /** One framework, one task: milliseconds from ACCEPT to TASK_RUNNING. */
  private static double oneTask(LocalCluster cluster, String runtime, int n) throws Exception {
    CompletableFuture<Double> result = new CompletableFuture<>();
    Scheduler scheduler = new Scheduler() {
      private long acceptedAt;
      private boolean launched;

      @Override
      public void offers(SchedulerDriver driver, List<Offer> offers) {
        for (Offer offer : offers) {
          if (launched || !ScalarResources.of(offer).covers(ScalarResources.of("cpus", 0.1).with("mem", 32))) {
            continue;
          }
          TaskInfo.Builder task = TaskInfo.newBuilder().setName("latency-" + n)
              .setTaskId(TaskID.newBuilder().setValue("latency-" + n)).setAgentId(offer.getAgentId())
              .addAllResources(Resources.allocatedAs(offer, List.of(Resources.cpus(0.1), Resources.mem(32))))
              .setCommand(CommandInfo.newBuilder().setValue("sleep 1"));
          if (runtime.equals("docker")) {
            task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
                .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("mezzo/busybox:test")));
          } else if (runtime.equals("oci")) {
            task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                    .setDocker(Image.Docker.newBuilder().setName("mezzo/busybox:test")))));
          }
          launched = true;
          acceptedAt = System.nanoTime();
          driver.launch(offer.getId(), List.of(task.build()));
        }
      }

      @Override
      public void update(SchedulerDriver driver, TaskStatus status) {
        if (status.getState() == TaskState.TASK_RUNNING) {
          result.complete((System.nanoTime() - acceptedAt) / 1e6);
        } else if (status.getState() != TaskState.TASK_STARTING && status.getState() != TaskState.TASK_FINISHED) {
          result.completeExceptionally(new IllegalStateException("task " + status.getState() + ": " + status.getMessage()));
        }
      }
    };
    SchedulerClient client = SchedulerClient.builder().master(cluster.zkUrl())
        .frameworkInfo(FrameworkInfo.newBuilder().setUser(System.getProperty("user.name")).setName("latency").build())
        .scheduler(scheduler).build().start();
    try {
      return result.get(120, TimeUnit.SECONDS);
    } finally {
      client.teardown().get(30, TimeUnit.SECONDS);
      client.close().get(30, TimeUnit.SECONDS);
    }
  }
}
