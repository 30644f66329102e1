package io.mezzo.master;

import io.mezzo.master.state.ClusterState;
import io.mezzo.master.state.EventSink;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.DurationInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.Label;
import io.mezzo.v1.Protos.Labels;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Runs, on a thread of its own, what a master meets first once it leads: it decodes and encodes
 * an agent's REGISTER with its running tasks, an operator call and its answer in JSON, a
 * framework's SUBSCRIBE and RECONCILE, then registers made-up agents with their tasks with cluster
 * states of its own. A standby that never did is elected in the middle of a failover, with every
 * agent and framework calling at once, and then spent its first second loading these classes on
 * its event loop (a flight recording showed the first GET_HEALTH as leader blocked 380 ms loading
 * the operator {@code Response} classes), and its first thousands of registrations running in the
 * interpreter while the JIT compiled them: registering 10,000 agents of ten tasks each with a new
 * state took 3.9 s on one core of a 2-core machine, and 0.7 s after 10,000 registrations had run
 * (2026-12-06). The states it registers with are built as a new leader builds its own, with timers
 * that never fire and events that go nowhere, and log nothing; nothing here touches the master's
 * state, the network or the logs.
 */
final class LeaderPreload {
  /** Enough decodes for the JIT's first tier to compile the parsers (it compiles after a few hundred). */
  static final int ROUNDS = 2_000;
  /**
   * Registrations with states of its own: enough for the optimizing tier to compile the
   * registration path (10,000 agents then registered at 72 µs each against 63 µs after 20,000,
   * and 262 µs after 5,000), in states of {@link #AGENTS_PER_STATE} agents so that a standby with
   * a small heap holds one at a time. It costs a standby about 6 s of CPU once, half of it the
   * JIT's, over some 15 s (see {@link #rest}).
   */
  static final int REGISTRATIONS = 10_000;
  static final int AGENTS_PER_STATE = 1_000;

  private LeaderPreload() {}

  /**
   * Starts the preload on a daemon thread; returns at once. Interrupting the thread stops the
   * preload.
   *
   * @param states builds, on the preload's thread, an empty state as a new leader's, owned by that
   *     thread, with timers that never fire
   */
  static Thread start(Supplier<ClusterState> states) {
    Thread thread = new Thread(() -> {
      run();
      register(states, REGISTRATIONS, AGENTS_PER_STATE, LeaderPreload::rest);
    }, "mezzo-leader-preload");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    return thread;
  }

  /** Decodes and encodes each kind of message {@link #ROUNDS} times; returns how many decodes it made. */
  static int run() {
    byte[] register = Codec.PROTOBUF.encode(registerCall());
    byte[] operatorCall = "{\"type\":\"GET_HEALTH\"}".getBytes(StandardCharsets.UTF_8);
    Response health = Response.newBuilder().setType(Response.Type.GET_HEALTH)
        .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true)).build();
    byte[] subscribe = Codec.PROTOBUF.encode(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setFrameworkId(FrameworkID.newBuilder().setValue("preload"))
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(framework(true))).build());
    byte[] reconcile = Codec.PROTOBUF.encode(Call.newBuilder().setType(Call.Type.RECONCILE)
        .setFrameworkId(FrameworkID.newBuilder().setValue("preload"))
        .setReconcile(Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue("task-0")))).build());
    int decoded = 0;
    for (int i = 0; i < ROUNDS && !Thread.currentThread().isInterrupted(); i++) {
      decoded += Codec.PROTOBUF.decode(register, AgentCall.getDefaultInstance()).getRegister().getTasksCount() > 0 ? 1 : 0;
      decoded += Codec.JSON.decode(operatorCall, io.mezzo.v1.master.Protos.Call.getDefaultInstance()).hasType() ? 1 : 0;
      decoded += Codec.PROTOBUF.decode(subscribe, Call.getDefaultInstance()).hasSubscribe() ? 1 : 0;
      decoded += Codec.PROTOBUF.decode(reconcile, Call.getDefaultInstance()).hasReconcile() ? 1 : 0;
      Codec.JSON.encode(health);
    }
    Codec.PROTOBUF.encode(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    return decoded;
  }

  /**
   * Registers {@code registrations} agents, each with the ten tasks of {@link #registerCall()} and
   * ids of its own, decoded from their bytes as a leader decodes them, with states from
   * {@code states}, {@code perState} agents to a state; each state logs nothing. After each state
   * {@code rest} is given the nanoseconds that state took. Stops early when the thread is
   * interrupted. Answers how many registrations the states accepted.
   */
  static int register(Supplier<ClusterState> states, int registrations, int perState, LongConsumer rest) {
    AgentCall template = registerCall();
    EventSink<AgentEvent> sink = new EventSink<>() {
      @Override
      public String streamId() {
        return "preload";
      }

      @Override
      public void send(AgentEvent event) {
        Codec.PROTOBUF.encode(event);
      }

      @Override
      public void close() {}
    };
    int accepted = 0;
    ClusterState state = null;
    long stateStarted = 0;
    for (int i = 0; i < registrations && !Thread.currentThread().isInterrupted(); i++) {
      if (i % perState == 0) {
        state = states.get();
        state.logNothing();
        stateStarted = System.nanoTime();
      }
      byte[] body = Codec.PROTOBUF.encode(withIds(template, "preload-S" + i));
      AgentCall call = Codec.PROTOBUF.decode(body, AgentCall.getDefaultInstance());
      accepted += state.registerAgent(call.getRegister(), sink) != null ? 1 : 0;
      if ((i + 1) % perState == 0 || i + 1 == registrations) {
        rest.accept(System.nanoTime() - stateStarted);
      }
    }
    return accepted;
  }

  /**
   * Sleeps as long as the last state took, so that the preload takes at most about half a core:
   * three masters of a local cluster share the machine with its ZooKeeper and agents.
   */
  private static void rest(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The template with the agent's id, and task ids of its own, as distinct agents have. */
  private static AgentCall withIds(AgentCall template, String agentId) {
    AgentCall.Register.Builder register = template.getRegister().toBuilder();
    AgentID id = AgentID.newBuilder().setValue(agentId).build();
    register.getAgentInfoBuilder().setId(id);
    for (int t = 0; t < register.getTasksCount(); t++) {
      TaskInfo.Builder task = register.getTasksBuilder(t).getTaskBuilder().setAgentId(id)
          .setTaskId(TaskID.newBuilder().setValue(agentId + "-task-" + t));
      if (t % 2 == 0) {
        // Named after its id, as many frameworks name their tasks (the task's record keeps one string).
        task.setName(task.getTaskId().getValue());
      }
    }
    return template.toBuilder().setRegister(register).build();
  }

  /**
   * An agent re-registering with ten running tasks, as after a failover. The tasks and their
   * frameworks come in the shapes real ones have (a framework with an id, roles, capabilities and
   * labels, or only the fields the SDK sets; a plain command, or with labels, a kill policy, a
   * container), so that the code the JIT compiles here takes the branches a real re-registration
   * takes: decoded from messages of one bare shape, it was thrown away and compiled again in the
   * middle of a failover (flight recording of a new leader, 2026-12-06).
   */
  static AgentCall registerCall() {
    Resource ports = Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000).setEnd(32000)))
        .build();
    AgentCall.Register.Builder register = AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("preload").setPort(5051).setId(AgentID.newBuilder().setValue("preload-S0"))
        .addResources(scalar("cpus", 16)).addResources(scalar("mem", 65536)).addResources(ports)
        .addAttributes(text("rack", "r1")).addAttributes(text("zone", "z1")));
    for (int t = 0; t < 10; t++) {
      TaskInfo.Builder task = TaskInfo.newBuilder().setName("task-" + t).setTaskId(TaskID.newBuilder().setValue("task-" + t))
          .setAgentId(AgentID.newBuilder().setValue("preload-S0"))
          .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
          .setCommand(CommandInfo.newBuilder().setValue("sleep 1000"));
      if (t % 3 == 1) {
        task.setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("team").setValue("preload")))
            .setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(5_000_000_000L)));
      } else if (t % 3 == 2) {
        task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
            .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage("busybox")));
      }
      register.addTasks(RunningTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("preload"))
          .setFrameworkInfo(framework(t % 2 == 0)).setState(TaskState.TASK_RUNNING).setTask(task));
    }
    return AgentCall.newBuilder().setType(AgentCall.Type.REGISTER).setRegister(register).build();
  }

  /** As the master keeps a framework: with its id, and either everything a framework may set or what the SDK sets. */
  private static FrameworkInfo framework(boolean everything) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue("preload"))
        .setUser("preload").setName("preload").setFailoverTimeout(300);
    if (everything) {
      info.addRoles("*").addRoles("preload").setCheckpoint(true).setHostname("preload").setPrincipal("preload")
          .setWebuiUrl("http://preload:8080")
          .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("team").setValue("preload")));
      for (FrameworkInfo.Capability.Type type : List.of(FrameworkInfo.Capability.Type.MULTI_ROLE,
          FrameworkInfo.Capability.Type.PARTITION_AWARE, FrameworkInfo.Capability.Type.TASK_KILLING_STATE)) {
        info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(type));
      }
    }
    return info.build();
  }

  private static Attribute text(String name, String value) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.TEXT)
        .setText(Value.Text.newBuilder().setValue(value)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
