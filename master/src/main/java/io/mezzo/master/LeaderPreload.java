package io.mezzo.master;

import io.mezzo.master.state.ClusterState;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
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

/**
 * Decodes and encodes, on a thread of its own, the messages a master meets first once it leads:
 * an agent's REGISTER with its running tasks, an operator call and its answer in JSON, a
 * framework's SUBSCRIBE and RECONCILE. A standby that never did is elected in the middle of a
 * failover, with every agent and framework calling at once, and then spent its first second
 * loading these classes on its event loop (the generated protobuf classes and descriptors, the
 * JSON parser): a flight recording showed the first GET_HEALTH as leader blocked 380 ms loading
 * the operator {@code Response} classes. Each decoded REGISTER also goes through the per-task
 * work of a re-registration ({@link ClusterState#preloadRegistration}), whose compaction of a task's
 * record generates reflective accessors the first time. Run {@link #ROUNDS} times, the decoders
 * also leave the interpreter. Nothing here touches the cluster state, the network or the logs.
 */
final class LeaderPreload {
  /** Enough decodes for the JIT's first tier to compile the parsers (it compiles after a few hundred). */
  static final int ROUNDS = 2_000;

  private LeaderPreload() {}

  /** Starts the preload on a daemon thread; returns at once. */
  static Thread start() {
    Thread thread = new Thread(LeaderPreload::run, "mezzo-leader-preload");
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
    for (int i = 0; i < ROUNDS; i++) {
      AgentCall.Register decodedRegister = Codec.PROTOBUF.decode(register, AgentCall.getDefaultInstance()).getRegister();
      decoded += ClusterState.preloadRegistration(decodedRegister) == decodedRegister.getTasksCount() ? 1 : 0;
      decoded += Codec.JSON.decode(operatorCall, io.mezzo.v1.master.Protos.Call.getDefaultInstance()).hasType() ? 1 : 0;
      decoded += Codec.PROTOBUF.decode(subscribe, Call.getDefaultInstance()).hasSubscribe() ? 1 : 0;
      decoded += Codec.PROTOBUF.decode(reconcile, Call.getDefaultInstance()).hasReconcile() ? 1 : 0;
      Codec.JSON.encode(health);
    }
    Codec.PROTOBUF.encode(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    return decoded;
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
