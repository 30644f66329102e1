package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
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
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The master's state machine with in-process fakes: recording streams and timers that fire when told. */
class ClusterStateTest {
  private static final String MASTER_ID = "11111111-2222-3333-4444-555555555555";

  /** A stream that records what is sent on it. */
  static final class RecordingSink<E> implements EventSink<E> {
    final List<E> events = new ArrayList<>();
    final String id;
    boolean closed;
    /** What {@link #ready()} says: a test sets it false for a reader that is far behind. */
    boolean ready = true;

    RecordingSink(String id) {
      this.id = id;
    }

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public String streamId() {
      return id;
    }

    @Override
    public void send(E event) {
      if (!closed) {
        events.add(event);
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Timers that fire only when the test moves time past them. */
  static final class ManualTimers implements Timers {
    private final TreeMap<Long, Runnable> due = new TreeMap<>();
    private long now;
    private long next;

    @Override
    public long schedule(Duration delay, Runnable action) {
      long id = next++;
      due.put(((now + delay.toMillis()) << 20) | id, action);
      return id;
    }

    @Override
    public void cancel(long timerId) {
      due.keySet().removeIf(k -> (k & ((1 << 20) - 1)) == timerId);
    }

    void advance(Duration by) {
      now += by.toMillis();
      while (!due.isEmpty() && (due.firstKey() >> 20) <= now) {
        due.pollFirstEntry().getValue().run();
      }
    }
  }

  private final ManualTimers timers = new ManualTimers();
  private ClusterState state;
  private RecordingSink<AgentEvent> agentStream;
  private String agentId;

  @BeforeEach
  void setUp() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    state = new ClusterState(MasterInfo.newBuilder().setId(MASTER_ID).setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), clock, timers, StateOwner.currentThread(), Duration.ofMinutes(10), null);
    agentStream = new RecordingSink<>("agent-stream");
    agentId = state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("h1").setPort(5051).addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))).build(),
        agentStream);
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private RecordingSink<Event> subscribe(FrameworkInfo info) {
    RecordingSink<Event> stream = new RecordingSink<>("framework-stream-" + info.getName());
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), stream);
    return stream;
  }

  private static FrameworkInfo framework(String name, double failoverTimeout, FrameworkInfo.Capability.Type... caps) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("u").setName(name).setFailoverTimeout(failoverTimeout);
    for (FrameworkInfo.Capability.Type cap : caps) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(cap));
    }
    return info.build();
  }

  private static String frameworkId(RecordingSink<Event> stream) {
    return stream.events.get(0).getSubscribed().getFrameworkId().getValue();
  }

  private static Offer lastOffer(RecordingSink<Event> stream) {
    for (int i = stream.events.size() - 1; i >= 0; i--) {
      if (stream.events.get(i).getType() == Event.Type.OFFERS) {
        return stream.events.get(i).getOffers().getOffers(0);
      }
    }
    throw new AssertionError("no offer");
  }

  /** Launches one sleeping task on the framework's offer and marks it RUNNING from the agent. */
  private String launchRunning(RecordingSink<Event> stream, String taskId) {
    state.allocate();
    Offer offer = lastOffer(stream);
    state.accept(frameworkId(stream), Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(TaskInfo.newBuilder().setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000")))))
        .build());
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(offer.getFrameworkId())
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
            .setState(TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[16])))
        .build());
    return offer.getFrameworkId().getValue();
  }

  private static List<TaskStatus> updates(RecordingSink<Event> stream) {
    return stream.events.stream().filter(e -> e.getType() == Event.Type.UPDATE).map(e -> e.getUpdate().getStatus())
        .toList();
  }

  /**
   * The task record shares ids and values with other records (see TaskRecord); the operator API,
   * reconciliation and acknowledgement must read it exactly as the task was launched and updated.
   */
  @Test
  void theOperatorViewReconciliationAndAcknowledgementSeeTheTaskAsLaunchedAndUpdated() {
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    String frameworkId = launchRunning(plain, "t1");
    TaskStatus healthy = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
        .setState(TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[] {7}))
        .setExecutorId(io.mezzo.v1.Protos.ExecutorID.newBuilder().setValue("t1")).setHealthy(true)
        .setData(ByteString.copyFromUtf8("not kept")).setTimestamp(3.5).build();
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setStatus(healthy).build());

    TaskStatus kept = healthy.toBuilder().clearData().setAgentId(AgentID.newBuilder().setValue(agentId)).build();
    io.mezzo.v1.Protos.Task expected = io.mezzo.v1.Protos.Task.newBuilder().setName("t1")
        .setTaskId(TaskID.newBuilder().setValue("t1")).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setState(TaskState.TASK_RUNNING)
        .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)).addStatuses(kept)
        .setStatusUpdateState(TaskState.TASK_RUNNING).setStatusUpdateUuid(kept.getUuid()).build();
    assertThat(state.getTasks().getTasksList()).containsExactly(expected);
    assertThat(state.getState().getGetTasks().getTasksList()).containsExactly(expected);

    state.reconcile(frameworkId, Call.Reconcile.getDefaultInstance());
    TaskStatus reconciled = updates(plain).get(updates(plain).size() - 1);
    assertThat(reconciled).isEqualTo(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
        .setState(TaskState.TASK_RUNNING).setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(TaskStatus.Reason.REASON_RECONCILIATION).setMessage("Reconciliation: Latest task state")
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setTimestamp(reconciled.getTimestamp())
        .setExecutorId(io.mezzo.v1.Protos.ExecutorID.newBuilder().setValue("t1")).setHealthy(true).build());

    ByteString last = ByteString.copyFrom(new byte[] {9});
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_FINISHED).setUuid(last)).build());
    state.acknowledge(frameworkId, Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTaskId(TaskID.newBuilder().setValue("t1")).setUuid(ByteString.copyFrom(new byte[] {9})).build());
    assertThat(state.getTasks().getTasksList()).isEmpty();
    assertThat(state.getTasks().getCompletedTasksList()).singleElement()
        .satisfies(t -> assertThat(t.getStatusUpdateUuid()).isEqualTo(last));
  }

  @Test
  void anEndedTaskOrARegistrationTellsWhichAgentFreedAndARoundOverItOffersThatButADeclineTellsNothing() {
    List<String> freed = new ArrayList<>();
    state.onResourcesFreed(freed::add);
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    String frameworkId = launchRunning(plain, "t1");
    assertThat(freed).isEmpty();

    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_FINISHED).setUuid(ByteString.copyFrom(new byte[] {1})))
        .build());
    assertThat(freed).containsExactly(agentId);

    // The agent's whole 2 cpus, the task's half included, in a round over that agent alone.
    int offersBefore = (int) plain.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).count();
    state.allocate(List.of(agentId));
    assertThat(plain.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).count()).isEqualTo(offersBefore + 1);
    Offer again = lastOffer(plain);
    assertThat(again.getResourcesList()).filteredOn(r -> r.getName().equals("cpus"))
        .extracting(r -> r.getScalar().getValue()).containsExactly(2.0);

    state.decline(frameworkId, Call.Decline.newBuilder().addOfferIds(again.getId())
        .setFilters(Filters.newBuilder().setRefuseSeconds(0)).build());
    assertThat(freed).as("a declined offer waits for the periodic round").containsExactly(agentId);

    String second = state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("h2").setPort(5051).addResources(scalar("cpus", 1)).addResources(scalar("mem", 512))).build(),
        new RecordingSink<>("agent-stream-2"));
    assertThat(freed).containsExactly(agentId, second);
  }

  @Test
  void anAgentThatDoesNotComeBackInTimeLosesItsTasksAsMesosReportsThem() {
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    launchRunning(plain, "t-plain");
    state.agentDisconnected(agentId, "agent-stream");

    timers.advance(Duration.ofMinutes(9));
    assertThat(updates(plain)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);

    timers.advance(Duration.ofMinutes(1));
    TaskStatus lost = updates(plain).get(1);
    assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
    assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(lost.hasUuid()).isFalse();
    assertThat(plain.events).anyMatch(e -> e.getType() == Event.Type.FAILURE
        && e.getFailure().getAgentId().getValue().equals(agentId));

    state.reconcile(frameworkId(plain), Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-plain")).setAgentId(AgentID.newBuilder().setValue(agentId))).build());
    assertThat(updates(plain).get(2).getState()).isEqualTo(TaskState.TASK_LOST);
  }

  @Test
  void partitionAwareFrameworksHearTaskUnreachable() {
    RecordingSink<Event> aware = subscribe(framework("aware", 0, FrameworkInfo.Capability.Type.PARTITION_AWARE));
    launchRunning(aware, "t-aware");
    state.agentDisconnected(agentId, "agent-stream");
    timers.advance(Duration.ofMinutes(10));

    TaskStatus unreachable = updates(aware).get(1);
    assertThat(unreachable.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.hasUnreachableTime()).isTrue();
    state.reconcile(frameworkId(aware), Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-aware")).setAgentId(AgentID.newBuilder().setValue(agentId))).build());
    assertThat(updates(aware).get(2).getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
  }

  @Test
  void anAgentThatComesBackInTimeKeepsItsTasks() {
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    launchRunning(plain, "t1");
    state.agentDisconnected(agentId, "agent-stream");
    timers.advance(Duration.ofMinutes(5));
    reregister(runningTask(plain, "t1"));
    timers.advance(Duration.ofMinutes(10));

    assertThat(updates(plain)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
  }

  @Test
  void aTaskTheReregisteringAgentNoLongerHasIsLostOrGoneForPartitionAwareFrameworks() {
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    RecordingSink<Event> aware = subscribe(framework("aware", 0, FrameworkInfo.Capability.Type.PARTITION_AWARE));
    launchRunning(plain, "gone");
    launchRunning(aware, "gone-aware");
    state.agentDisconnected(agentId, "agent-stream");

    reregister();

    assertThat(updates(plain)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_LOST);
    TaskStatus lost = updates(plain).get(1);
    assertThat(lost.getTaskId().getValue()).isEqualTo("gone");
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_RESTARTED);
    assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(updates(aware)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_GONE);
    state.reconcile(frameworkId(plain), Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("gone")).setAgentId(AgentID.newBuilder().setValue(agentId))).build());
    assertThat(updates(plain).get(2).getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(updates(plain).get(2).getMessage()).isEqualTo("Reconciliation: Task is unknown to the agent");
  }

  @Test
  void aReregisteringAgentHearsOfItsTasksOfARemovedFrameworkOnlyAfterRegistered() {
    RecordingSink<Event> plain = subscribe(framework("plain", 0));
    launchRunning(plain, "t1");
    RunningTask running = runningTask(plain, "t1");
    state.teardown(frameworkId(plain));
    state.agentDisconnected(agentId, "agent-stream");

    RecordingSink<AgentEvent> again = new RecordingSink<>("again");
    state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h1")
        .setPort(5051).setId(AgentID.newBuilder().setValue(agentId))
        .addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))).addTasks(running).build(), again);

    // An agent ignores what comes before REGISTERED: the shutdown must come after it.
    assertThat(again.events).extracting(AgentEvent::getType)
        .containsExactly(AgentEvent.Type.REGISTERED, AgentEvent.Type.SHUTDOWN_FRAMEWORK);
  }

  /** The task as the agent reports it when it registers again. */
  private RunningTask runningTask(RecordingSink<Event> framework, String taskId) {
    return RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId(framework)))
        .setTask(TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
            .setAgentId(AgentID.newBuilder().setValue(agentId))
            .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)))
        .setState(TaskState.TASK_RUNNING).build();
  }

  private void reregister(RunningTask... tasks) {
    state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h1")
        .setPort(5051).setId(AgentID.newBuilder().setValue(agentId))
        .addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))).addAllTasks(List.of(tasks)).build(),
        new RecordingSink<>("again"));
  }

  @Test
  void aFrameworkIsRemovedAndItsTasksKilledOnlyAfterItsFailoverTimeout() {
    RecordingSink<Event> stream = subscribe(framework("patient", 60));
    String frameworkId = launchRunning(stream, "t1");
    state.frameworkDisconnected(frameworkId, stream.streamId());

    timers.advance(Duration.ofSeconds(59));
    assertThat(agentStream.events).noneMatch(e -> e.getType() == AgentEvent.Type.SHUTDOWN_FRAMEWORK);

    timers.advance(Duration.ofSeconds(1));
    assertThat(agentStream.events).anyMatch(e -> e.getType() == AgentEvent.Type.SHUTDOWN_FRAMEWORK
        && e.getShutdownFramework().getFrameworkId().getValue().equals(frameworkId));
    RecordingSink<Event> back = new RecordingSink<>("back");
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(framework("patient", 60).toBuilder()
        .setId(FrameworkID.newBuilder().setValue(frameworkId))).build(), back);
    assertThat(back.events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(Event.Type.ERROR);
      assertThat(e.getError().getMessage()).isEqualTo("Framework has been removed");
    });
  }

  @Test
  void aFrameworkBackWithinItsFailoverTimeoutKeepsItsTasks() {
    RecordingSink<Event> stream = subscribe(framework("patient", 60));
    String frameworkId = launchRunning(stream, "t1");
    state.frameworkDisconnected(frameworkId, stream.streamId());
    timers.advance(Duration.ofSeconds(30));
    RecordingSink<Event> back = new RecordingSink<>("back");
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(framework("patient", 60).toBuilder()
        .setId(FrameworkID.newBuilder().setValue(frameworkId))).build(), back);
    timers.advance(Duration.ofMinutes(5));

    assertThat(agentStream.events).noneMatch(e -> e.getType() == AgentEvent.Type.SHUTDOWN_FRAMEWORK);
    state.reconcile(frameworkId, Call.Reconcile.getDefaultInstance());
    assertThat(updates(back)).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    });
  }

  /**
   * As Mesos 1.11 (Master::accept): an ACCEPT naming an offer the master does not hold (an earlier
   * leader's, a spent one, or any other string) is not refused: each task it would launch is lost.
   */
  @Test
  void anAcceptOfOffersTheMasterDoesNotHoldLosesItsTasksNamingTheOffer() {
    RecordingSink<Event> stream = subscribe(framework("late", 0));
    RecordingSink<Event> aware = subscribe(framework("aware", 0, FrameworkInfo.Capability.Type.PARTITION_AWARE));
    TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).addResources(scalar("cpus", 0.1))
        .setCommand(CommandInfo.newBuilder().setValue("true")).build();
    Call.Accept.Builder accept = Call.Accept.newBuilder().addOperations(Offer.Operation.newBuilder()
        .setType(Offer.Operation.Type.LAUNCH).setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)));

    state.accept(frameworkId(stream), accept.clone()
        .addOfferIds(OfferID.newBuilder().setValue("99999999-8888-7777-6666-555555555555-O12")).build());
    state.accept(frameworkId(stream), accept.clone()
        .addOfferIds(OfferID.newBuilder().setValue("no-such-offer")).build());
    state.accept(frameworkId(aware), accept.clone()
        .addOfferIds(OfferID.newBuilder().setValue("no-such-offer")).build());

    assertThat(updates(stream)).hasSize(2).allSatisfy(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
      assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(s.hasUuid()).isFalse();
    });
    assertThat(updates(stream).get(0).getMessage()).isEqualTo(
        "Task launched with invalid offers: Offer 99999999-8888-7777-6666-555555555555-O12 is no longer valid");
    assertThat(updates(stream).get(1).getMessage())
        .isEqualTo("Task launched with invalid offers: Offer no-such-offer is no longer valid");
    assertThat(updates(aware)).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_DROPPED);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
      assertThat(s.getMessage()).contains("Offer no-such-offer is no longer valid");
    });
    assertThat(agentStream.events).noneMatch(e -> e.getType() == AgentEvent.Type.RUN_TASK);
  }

  /**
   * As Mesos: the framework's own outstanding offer named in an invalid ACCEPT is spent (Mesos
   * frameworks forget an offer once they accept it), its resources back without a filter.
   */
  @Test
  void aValidOfferNamedWithAnUnknownOneIsSpentAndOfferedAgain() {
    RecordingSink<Event> stream = subscribe(framework("mixed", 0));
    state.allocate();
    Offer offer = lastOffer(stream);
    TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
        .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1))
        .setCommand(CommandInfo.newBuilder().setValue("true")).build();

    state.accept(frameworkId(stream), Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOfferIds(OfferID.newBuilder().setValue("no-such-offer"))
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .build());

    assertThat(updates(stream)).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
      assertThat(s.getMessage()).contains("no-such-offer");
    });
    assertThat(state.offers().get(offer.getId().getValue())).as("spent").isEmpty();
    assertThat(state.recentOfferEvents()).last().satisfies(e -> {
      assertThat(e.getOfferEvent().getType()).isEqualTo(io.mezzo.v1.master.Protos.Event.OfferEvent.Type.OFFER_ACCEPTED);
      assertThat(e.getOfferEvent().getOfferId()).isEqualTo(offer.getId());
      assertThat(e.getOfferEvent().getTaskIdsList()).isEmpty();
      assertThat(e.getOfferEvent().getMessage()).contains("no-such-offer");
    });
    state.allocate();
    assertThat(lastOffer(stream).getId()).as("offered again at once: no filter").isNotEqualTo(offer.getId());
  }

  @Test
  void aDeclineOfOffersTheMasterDoesNotHoldIsIgnored() {
    RecordingSink<Event> stream = subscribe(framework("decliner", 0));
    state.allocate();
    Offer offer = lastOffer(stream);

    state.decline(frameworkId(stream), Call.Decline.newBuilder().addOfferIds(OfferID.newBuilder().setValue("nope"))
        .addOfferIds(offer.getId()).build());

    assertThat(state.offers().get(offer.getId().getValue())).as("the known one is declined").isEmpty();
    assertThat(updates(stream)).isEmpty();
  }
}
