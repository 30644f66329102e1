package io.mezzo.benchmarks.load;

import io.mezzo.sdk.Calls;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A framework on the SDK that keeps a fixed set of agents busy, one task at a time each: the
 * first {@code inFlight} agents offered get a task taking the whole offer, and each gets its
 * next task from the offer that follows its last task's end; every other agent is declined with
 * a day-long filter, so it stays quiet. It samples, per agent, the time from its task ending
 * ({@link #ending}) to the OFFERS event holding the agent's resources again.
 */
final class ChurnFramework implements Scheduler {
  private static final Filters QUIET = Calls.refuseSeconds(86_400);
  private static final Filters NO_FILTER = Calls.refuseSeconds(0);

  private final int inFlight;
  private final int wanted;
  private final Map<String, Long> endedAt = new ConcurrentHashMap<>();
  /** Touched only in {@link #offers} (the SDK calls it on one thread at a time). */
  private final Set<String> busy = new HashSet<>();
  /** When each busy agent was last given a task (System.nanoTime); only in {@link #offers}. */
  private final Map<String, Long> launchedAt = new HashMap<>();
  private final Samples samples = new Samples();
  private final CountDownLatch enough;
  private final AtomicInteger failed = new AtomicInteger();
  private volatile int launched;
  private SchedulerClient client;

  ChurnFramework(int inFlight, int wanted) {
    this.inFlight = inFlight;
    this.wanted = wanted;
    this.enough = new CountDownLatch(wanted);
  }

  ChurnFramework start(String master) {
    client = SchedulerClient.builder().master(master)
        .frameworkInfo(FrameworkInfo.newBuilder().setUser("load").setName("churn-framework").build())
        .defaultFilters(NO_FILTER).scheduler(this).build().start();
    return this;
  }

  /** A task ended on {@code agentId} at {@code nanos} (System.nanoTime); any thread. */
  void ending(String agentId, long nanos) {
    endedAt.put(agentId, nanos);
  }

  @Override
  public void offers(SchedulerDriver driver, List<Offer> offers) {
    long now = System.nanoTime();
    List<OfferID> quiet = new ArrayList<>();
    for (Offer offer : offers) {
      String agent = offer.getAgentId().getValue();
      if (!hasCpus(offer)) {
        driver.decline(List.of(offer.getId()), NO_FILTER); // not the freed resources: wait for those
        continue;
      }
      Long ended = endedAt.remove(agent);
      Long lastLaunch = launchedAt.get(agent);
      // An end reported from another process can come after the offer it freed: it then belongs to a
      // task before the agent's last launch, and measures nothing.
      if (ended != null && (lastLaunch == null || ended > lastLaunch) && samples.size() < wanted) {
        samples.add(now, now - ended);
        enough.countDown();
      }
      boolean more = samples.size() < wanted;
      if (more && (busy.contains(agent) || busy.size() < inFlight)) {
        busy.add(agent);
        launchedAt.put(agent, now);
        String id = "churn-" + launched++;
        TaskInfo task = TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
            .setAgentId(offer.getAgentId()).addAllResources(offer.getResourcesList())
            .setCommand(CommandInfo.newBuilder().setValue("true")).build();
        driver.accept(List.of(offer.getId()), List.of(Calls.launchOperation(List.of(task))), NO_FILTER);
      } else {
        quiet.add(offer.getId());
      }
    }
    if (!quiet.isEmpty()) {
      driver.decline(quiet, QUIET);
    }
  }

  @Override
  public void update(SchedulerDriver driver, TaskStatus status) {
    if (io.mezzo.protocol.TaskStates.isTerminal(status.getState()) && status.getState() != TaskState.TASK_FINISHED) {
      failed.incrementAndGet();
    }
  }

  private static boolean hasCpus(Offer offer) {
    return offer.getResourcesList().stream().anyMatch(r -> r.getName().equals("cpus") && r.getScalar().getValue() > 0);
  }

  boolean awaitSamples(long timeout, TimeUnit unit) throws InterruptedException {
    return enough.await(timeout, unit);
  }

  Samples samples() {
    return samples;
  }

  int launched() {
    return launched;
  }

  /** Tasks that ended other than FINISHED. */
  int failed() {
    return failed.get();
  }

  void close() throws Exception {
    if (client != null) {
      client.teardown().get(30, TimeUnit.SECONDS);
      client.close().get(30, TimeUnit.SECONDS);
    }
  }
}
