package io.mezzo.benchmarks.load;

import io.mezzo.sdk.Calls;
import io.mezzo.sdk.Resources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A framework on the SDK that launches small tasks as fast as offers allow: every offer is
 * accepted with as many tasks as fit (until the wanted number is launched), its leftovers
 * declined without a filter so they come back in the next round. It records, per task, the
 * time from sending ACCEPT to the master accepting the framework's ACKNOWLEDGE of
 * TASK_RUNNING, and, per agent, the time from a task's resources freeing there (its FINISHED
 * acknowledged on the agent, {@link #freed}) to the next OFFERS event holding that agent.
 */
public final class LoadFramework implements Scheduler {
  static final double TASK_CPUS = 0.1;
  static final double TASK_MEM = 32;
  private static final Logger log = LoggerFactory.getLogger(LoadFramework.class);
  private static final Filters NO_FILTER = Calls.refuseSeconds(0);

  private final int wanted;
  /** Acknowledgements, one POST each, go through a gate: thousands can be due at once. */
  private final CallGate calls = new CallGate(64);
  private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> freedAt = new ConcurrentHashMap<>();
  private final Samples runningAcknowledged = new Samples();
  private final Samples offerRoundTrip = new Samples();
  private final AtomicInteger terminal = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger acceptsFailed = new AtomicInteger();
  private final CountDownLatch allTerminal;
  private final AtomicInteger subscriptions = new AtomicInteger();
  private volatile long lastSubscribed;
  private final AtomicInteger reconciledRunning = new AtomicInteger();
  private volatile long firstAccept;
  private int launched;
  private boolean suppressWhenLaunched;
  private boolean suppressed;
  private SchedulerClient client;

  public LoadFramework(int wanted) {
    this.wanted = wanted;
    this.allTerminal = new CountDownLatch(wanted);
  }

  /**
   * Once every wanted task is launched, the framework suppresses its offers (the leftovers of the
   * offer in hand are still declined): the master then holds no outstanding offer for it, so a
   * measurement of the master's state sees agents and tasks only. Call before {@link #start}.
   */
  public LoadFramework suppressWhenLaunched() {
    this.suppressWhenLaunched = true;
    return this;
  }

  /** Subscribes to the master ({@code http://host:port} or {@code zk://...}). */
  public LoadFramework start(String master) {
    client = SchedulerClient.builder().master(master)
        // A failover timeout, so that a stream the master drops for lagging does not take the tasks with it.
        .frameworkInfo(FrameworkInfo.newBuilder().setUser("load").setName("load-framework")
            .setFailoverTimeout(300).build())
        .implicitAcknowledgements(false)
        .defaultFilters(NO_FILTER)
        .scheduler(this).build().start();
    return this;
  }

  /** A task's resources freed on an agent at {@code nanos}; the next offer of that agent ends the round trip. */
  public void freed(AgentID agentId, long nanos) {
    freedAt.putIfAbsent(agentId.getValue(), nanos);
  }

  @Override
  public void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {
    lastSubscribed = System.nanoTime();
    subscriptions.incrementAndGet();
  }

  /** SUBSCRIBED events so far: the first, then one per re-subscription (after a failover). */
  public int subscriptions() {
    return subscriptions.get();
  }

  /** System.nanoTime of the latest SUBSCRIBED event, 0 before the first. */
  long lastSubscribed() {
    return lastSubscribed;
  }

  /**
   * Asks the master for the state of every task it knows of this framework (implicit
   * reconciliation) and starts counting the RUNNING answers from zero ({@link #reconciledRunning}).
   */
  public java.util.concurrent.CompletableFuture<Void> reconcile() {
    reconciledRunning.set(0);
    return client.reconcile(List.of());
  }

  /** RUNNING answers to the latest {@link #reconcile()}. */
  public int reconciledRunning() {
    return reconciledRunning.get();
  }

  @Override
  public void offers(SchedulerDriver driver, List<Offer> offers) {
    long now = System.nanoTime();
    List<OfferID> unused = new ArrayList<>();
    for (Offer offer : offers) {
      Long freed = freedAt.remove(offer.getAgentId().getValue());
      if (freed != null) {
        offerRoundTrip.add(now, now - freed);
      }
      int fit = (int) Math.min(Math.floor(scalar(offer, "cpus") / TASK_CPUS + 1e-9), Math.floor(scalar(offer, "mem") / TASK_MEM));
      int count = Math.min(fit, wanted - launched);
      if (count <= 0) {
        unused.add(offer.getId());
        continue;
      }
      List<TaskInfo> tasks = new ArrayList<>(count);
      List<Resource> each = Resources.allocatedAs(offer, List.of(Resources.cpus(TASK_CPUS), Resources.mem(TASK_MEM)));
      for (int i = 0; i < count; i++) {
        String id = "load-" + (launched++);
        tasks.add(TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
            .setAgentId(offer.getAgentId()).addAllResources(each)
            .setCommand(CommandInfo.newBuilder().setValue("true")).build());
      }
      long acceptNanos = System.nanoTime();
      if (firstAccept == 0) {
        firstAccept = acceptNanos;
      }
      tasks.forEach(t -> acceptedAt.put(t.getTaskId().getValue(), acceptNanos));
      // Accepted before returning (not through the gate): the SDK declines what is left unanswered.
      accept(driver, offer.getId(), tasks, 1);
    }
    if (!unused.isEmpty()) {
      driver.decline(unused, NO_FILTER);
    }
    if (suppressWhenLaunched && launched == wanted && !suppressed) {
      suppressed = true;
      driver.suppress();
    }
  }

  /**
   * An ACCEPT the master never answered leaves its offer outstanding and its tasks unlaunched, so
   * the run would wait for them for ever: it is sent once more (if the first did arrive, the
   * second finds the offer spent and the master drops its tasks, which the run counts as failed).
   */
  private void accept(SchedulerDriver driver, OfferID offer, List<TaskInfo> tasks, int retries) {
    driver.accept(List.of(offer), List.of(Calls.launchOperation(tasks)), NO_FILTER).whenComplete((ok, e) -> {
      if (e == null) {
        return;
      }
      acceptsFailed.incrementAndGet();
      log.warn("ACCEPT of offer {} failed: {}{}", offer.getValue(), e.toString(), retries > 0 ? "; sending it again" : "");
      if (retries > 0) {
        accept(driver, offer, tasks, retries - 1);
      }
    });
  }

  /** No acknowledgement in flight or waiting to be sent. */
  public boolean callsIdle() {
    return calls.idle();
  }

  /** ACCEPT calls that failed (each is sent once more). */
  public int acceptsFailed() {
    return acceptsFailed.get();
  }

  @Override
  public void update(SchedulerDriver driver, TaskStatus status) {
    String id = status.getTaskId().getValue();
    if (status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION) {
      if (status.getState() == TaskState.TASK_RUNNING) {
        reconciledRunning.incrementAndGet();
      }
      return; // an answer, not a change: nothing to acknowledge (it carries no uuid)
    }
    if (status.getState() == TaskState.TASK_RUNNING) {
      calls.submit(() -> driver.acknowledge(status)).thenRun(() -> {
        Long accepted = acceptedAt.remove(id);
        if (accepted != null) {
          long now = System.nanoTime();
          runningAcknowledged.add(now, now - accepted);
        }
      });
      return;
    }
    calls.submit(() -> driver.acknowledge(status));
    if (isTerminal(status.getState())) {
      terminal.incrementAndGet();
      if (status.getState() != TaskState.TASK_FINISHED) {
        failed.incrementAndGet();
      }
      allTerminal.countDown();
    }
  }

  /** Waits until every wanted task reached a terminal state; false on timeout. */
  public boolean awaitTerminal(long timeout, TimeUnit unit) throws InterruptedException {
    return allTerminal.await(timeout, unit);
  }

  public int launched() {
    return launched;
  }

  public int terminal() {
    return terminal.get();
  }

  /** Tasks that ended other than FINISHED. */
  public int failed() {
    return failed.get();
  }

  /** ACCEPT → RUNNING acknowledged, one sample per task. */
  Samples runningAcknowledged() {
    return runningAcknowledged;
  }

  /** Resources freed on an agent → next OFFERS event with that agent. */
  Samples offerRoundTrip() {
    return offerRoundTrip;
  }

  long firstAccept() {
    return firstAccept;
  }

  public void close() throws Exception {
    if (client != null) {
      client.teardown().get(30, TimeUnit.SECONDS);
      client.close().get(30, TimeUnit.SECONDS);
    }
  }

  private static double scalar(Offer offer, String name) {
    return offer.getResourcesList().stream().filter(r -> r.getName().equals(name) && r.hasScalar())
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  private static boolean isTerminal(TaskState state) {
    return io.mezzo.protocol.TaskStates.isTerminal(state);
  }
}
