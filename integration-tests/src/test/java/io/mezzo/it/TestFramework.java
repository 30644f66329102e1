package io.mezzo.it;

import org.awaitility.Awaitility;

import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.DurationInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A framework for the integration tests, on the Java SDK: it launches the tasks it is given on
 * the offers it gets, records every status update per task, and kills on request.
 */
final class TestFramework implements Scheduler, AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(120);

  private final ConcurrentLinkedQueue<TaskInfo.Builder> queue = new ConcurrentLinkedQueue<>();
  private final Map<String, List<TaskStatus>> updates = new ConcurrentHashMap<>();
  private final Map<String, AgentID> agents = new ConcurrentHashMap<>();
  private final Map<String, Offer> launchedOn = new ConcurrentHashMap<>();
  private final Map<String, java.time.Instant> launchedAt = new ConcurrentHashMap<>();
  private final Map<String, Integer> launchCounts = new ConcurrentHashMap<>();
  private final List<java.time.Instant> subscriptions = new CopyOnWriteArrayList<>();
  private final List<String> subscribedTo = new CopyOnWriteArrayList<>();
  private final List<Received> offersReceived = new CopyOnWriteArrayList<>();
  private final SchedulerClient client;

  /** An offer as it reached the framework: its id (which starts with the offering master's id) and when. */
  record Received(String offerId, java.time.Instant at) {}

  private TestFramework(String master, String name, javax.net.ssl.SSLContext tls,
      io.mezzo.sdk.Credential credential, FrameworkInfo.Capability.Type... capabilities) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("root").setName(name).setRole("*")
        .setFailoverTimeout(3600);
    for (FrameworkInfo.Capability.Type capability : capabilities) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(capability));
    }
    SchedulerClient.Builder builder = SchedulerClient.builder().master(master).frameworkInfo(info.build())
        .scheduler(this);
    if (tls != null) {
      builder.sslContext(tls);
    }
    client = builder.credential(credential).build();
  }

  /** A framework subscribed to the cluster's master at {@code master} (zk:// or http://). */
  static TestFramework start(String master, String name) {
    return start(master, name, (java.nio.file.Path) null);
  }

  /** As {@link #start(String, String)}, with these capabilities (e.g. PARTITION_AWARE). */
  static TestFramework start(String master, String name, FrameworkInfo.Capability.Type... capabilities) {
    return start(master, name, null, capabilities);
  }

  /** As above, speaking HTTPS to a TLS cluster whose CA is {@code caPem} (plain HTTP when null). */
  static TestFramework start(String master, String name, java.nio.file.Path caPem,
      FrameworkInfo.Capability.Type... capabilities) {
    return started(new TestFramework(master, name, caPem == null ? null : io.mezzo.sdk.ClusterCa.sslContext(caPem),
        null, capabilities));
  }

  /**
   * A framework on a cluster made by {@code mezzo cluster create}, reached as the SDK's
   * {@code localCluster} does: its ZooKeeper, its CA and its framework principal, when it has them.
   */
  static TestFramework start(io.mezzo.sdk.LocalClusters.Access cluster, String name) {
    return start(cluster, cluster.frameworkCredential().orElse(null), name);
  }

  /** As {@link #start(io.mezzo.sdk.LocalClusters.Access, String)}, authenticated as {@code credential}. */
  static TestFramework start(io.mezzo.sdk.LocalClusters.Access cluster, io.mezzo.sdk.Credential credential,
      String name) {
    return started(new TestFramework(cluster.zk(), name, cluster.sslContext().orElse(null), credential));
  }

  private static TestFramework started(TestFramework framework) {
    framework.client.start();
    Awaitility.await().atMost(WAIT).until(() -> framework.client.frameworkId().isPresent());
    return framework;
  }

  /** A shell task with 0.1 cpus and {@code mem} MB; {@code runtime} process, docker or oci (with {@code image}). */
  static TaskInfo.Builder task(String id, String runtime, String image, String command, double mem) {
    TaskInfo.Builder task = TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setCommand(CommandInfo.newBuilder().setValue(command))
        .addResources(Resources.cpus(0.1)).addResources(Resources.mem(mem));
    switch (runtime) {
      case "process" -> { }
      case "docker" -> task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
          .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)));
      case "oci" -> task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
          .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
              .setDocker(Image.Docker.newBuilder().setName(image)))));
      default -> throw new IllegalArgumentException(runtime);
    }
    return task;
  }

  /** The task with a kill policy of {@code grace}. */
  static TaskInfo.Builder withGrace(TaskInfo.Builder task, Duration grace) {
    return task.setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace.toNanos())));
  }

  /** Waits until the client holds a subscription (again, after a master failover). */
  void awaitSubscribed() {
    Awaitility.await().atMost(WAIT).until(client::isSubscribed);
  }

  FrameworkID frameworkId() {
    return client.frameworkId().orElseThrow();
  }

  /** Queues tasks; each goes out on the next offer that holds its resources. */
  void launch(TaskInfo.Builder... tasks) {
    queue.addAll(List.of(tasks));
    client.revive();
  }

  @Override
  public void offers(SchedulerDriver driver, List<Offer> offers) {
    java.time.Instant arrived = java.time.Instant.now();
    offers.forEach(o -> offersReceived.add(new Received(o.getId().getValue(), arrived)));
    for (Offer offer : offers) {
      List<TaskInfo> launching = new ArrayList<>();
      ScalarResources left = ScalarResources.of(offer);
      // The tests' tasks are small (0.1 cpus); an agent's offer holds many of them, but an offer made of
      // what a busy agent has left may hold none: a task waits for an offer that covers it.
      while (launching.size() < 8 && queue.peek() != null) {
        TaskInfo.Builder next = queue.peek();
        ScalarResources needs = ScalarResources.of(next.getResourcesList());
        if (!left.covers(needs)) {
          break;
        }
        queue.poll();
        left = left.minus(needs);
        launching.add(next.clone().setAgentId(offer.getAgentId()).clearResources()
            .addAllResources(Resources.allocatedAs(offer, next.getResourcesList())).build());
        agents.put(next.getTaskId().getValue(), offer.getAgentId());
      }
      if (launching.isEmpty()) {
        driver.decline(List.of(offer.getId()), null);
      } else {
        java.time.Instant now = java.time.Instant.now();
        for (TaskInfo task : launching) {
          launchCounts.merge(task.getTaskId().getValue(), 1, Integer::sum);
          launchedOn.put(task.getTaskId().getValue(), offer);
          launchedAt.put(task.getTaskId().getValue(), now);
        }
        driver.launch(offer.getId(), launching);
      }
    }
  }

  @Override
  public void subscribed(SchedulerDriver driver, FrameworkID frameworkId, io.mezzo.v1.Protos.MasterInfo master) {
    subscriptions.add(java.time.Instant.now());
    subscribedTo.add(master.getId());
  }

  /** The id of the master each SUBSCRIBED came from, in order. */
  List<String> subscribedTo() {
    return List.copyOf(subscribedTo);
  }

  /** Every offer the framework was sent, in order of arrival. */
  List<Received> offersReceived() {
    return List.copyOf(offersReceived);
  }

  /** When each SUBSCRIBED arrived, the first subscription and every re-subscription after a failover. */
  List<java.time.Instant> subscriptions() {
    return List.copyOf(subscriptions);
  }

  /** How many ACCEPTs this framework sent with each task id. */
  Map<String, Integer> launchCounts() {
    return Map.copyOf(launchCounts);
  }

  @Override
  public void update(SchedulerDriver driver, TaskStatus status) {
    updates.computeIfAbsent(status.getTaskId().getValue(), id -> new CopyOnWriteArrayList<>()).add(status);
  }

  /** The offer the task went out on, once it has. */
  Optional<Offer> launchedOn(String taskId) {
    return Optional.ofNullable(launchedOn.get(taskId));
  }

  /** When this framework accepted the offer for the task (just before it sent the ACCEPT), once it has. */
  Optional<java.time.Instant> launchedAt(String taskId) {
    return Optional.ofNullable(launchedAt.get(taskId));
  }

  List<TaskStatus> updates(String taskId) {
    return updates.getOrDefault(taskId, List.of());
  }

  Optional<TaskStatus> latest(String taskId) {
    List<TaskStatus> list = updates(taskId);
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
  }

  /** Waits for the task's update with {@code state} and returns it. */
  TaskStatus await(String taskId, TaskState state) {
    Awaitility.await().atMost(WAIT).until(() -> updates(taskId).stream().anyMatch(s -> s.getState() == state));
    return updates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElseThrow();
  }

  /** Waits for the task's terminal update and returns it. */
  TaskStatus awaitTerminal(String taskId) {
    Awaitility.await().atMost(WAIT).until(() -> latest(taskId).map(s -> terminal(s.getState())).orElse(false));
    return latest(taskId).orElseThrow();
  }

  /** Asks the master for the latest state of these tasks (explicit reconciliation); answers arrive as updates. */
  void reconcile(List<String> taskIds) {
    List<io.mezzo.v1.scheduler.Protos.Call.Reconcile.Task> tasks = new ArrayList<>();
    for (String id : taskIds) {
      io.mezzo.v1.scheduler.Protos.Call.Reconcile.Task.Builder task =
          io.mezzo.v1.scheduler.Protos.Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id));
      if (agents.containsKey(id)) {
        task.setAgentId(agents.get(id));
      }
      tasks.add(task.build());
    }
    client.reconcile(tasks);
  }

  void kill(String taskId) {
    client.kill(TaskID.newBuilder().setValue(taskId).build(), agents.get(taskId));
  }

  static boolean terminal(TaskState state) {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
          TASK_GONE_BY_OPERATOR -> true;
      default -> false;
    };
  }

  @Override
  public void close() throws Exception {
    // After a master failover the client resubscribes on its own; TEARDOWN needs a subscription.
    awaitSubscribed();
    client.teardown().get(30, TimeUnit.SECONDS);
    client.close().get(30, TimeUnit.SECONDS);
  }
}
