package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.state.ClusterStateTest.ManualTimers;
import io.mezzo.master.state.ClusterStateTest.RecordingSink;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.HealthCheck;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Parameter;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.Volume;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bound on a task's command, container, health check and data: at the bound accepted, one over refused. */
class LaunchLimitsTest {

  private static TaskInfo.Builder task() {
    return TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
        .setAgentId(io.mezzo.v1.Protos.AgentID.newBuilder().setValue("a"));
  }

  private static String text(int bytes) {
    return "x".repeat(bytes);
  }

  private static List<String> texts(int count) {
    return Collections.nCopies(count, "x");
  }

  private static CommandInfo.Builder command() {
    return CommandInfo.newBuilder().setValue("true");
  }

  private static ContainerInfo.Builder container() {
    return ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS);
  }

  private static Volume volume(String containerPath, String hostPath) {
    return Volume.newBuilder().setMode(Volume.Mode.RO).setContainerPath(containerPath).setHostPath(hostPath).build();
  }

  private static ExecutorInfo.Builder executor() {
    return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e")).setCommand(command());
  }

  /** A field, its limit, and the task with that field at {@code n} (bytes or entries). */
  static Stream<Arguments> bounds() {
    return Stream.of(
        bound("command.value", LaunchLimits.COMMAND_BYTES, n -> task().setCommand(command().setValue(text(n)))),
        bound("command.arguments", LaunchLimits.ARGUMENTS,
            n -> task().setCommand(command().addAllArguments(texts(n)))),
        bound("command.arguments[0]", LaunchLimits.COMMAND_BYTES,
            n -> task().setCommand(command().addArguments(text(n)))),
        bound("command.user", TextLimits.NAME_BYTES, n -> task().setCommand(command().setUser(text(n)))),
        bound("command.environment.variables", LaunchLimits.VARIABLES, n -> task().setCommand(command()
            .setEnvironment(Environment.newBuilder().addAllVariables(Collections.nCopies(n,
                Environment.Variable.newBuilder().setName("A").setValue("b").build()))))),
        bound("command.environment.variables[0].name", TextLimits.NAME_BYTES, n -> task().setCommand(command()
            .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder().setName(text(n)))))),
        bound("command.environment.variables[0].value", LaunchLimits.VARIABLE_VALUE_BYTES, n -> task().setCommand(
            command().setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                .setName("A").setValue(text(n)))))),
        bound("command.uris", LaunchLimits.URIS, n -> task().setCommand(command().addAllUris(Collections.nCopies(n,
            CommandInfo.URI.newBuilder().setValue("http://h/f").build())))),
        bound("command.uris[0].value", LaunchLimits.PATH_BYTES,
            n -> task().setCommand(command().addUris(CommandInfo.URI.newBuilder().setValue(text(n))))),
        bound("command.uris[0].output_file", LaunchLimits.PATH_BYTES, n -> task().setCommand(command()
            .addUris(CommandInfo.URI.newBuilder().setValue("http://h/f").setOutputFile(text(n))))),
        bound("container.hostname", TextLimits.NAME_BYTES, n -> task().setCommand(command())
            .setContainer(container().setHostname(text(n)))),
        bound("container.volumes", LaunchLimits.VOLUMES, n -> task().setCommand(command())
            .setContainer(container().addAllVolumes(Collections.nCopies(n, volume("/c", "/h"))))),
        bound("container.volumes[0].container_path", LaunchLimits.PATH_BYTES, n -> task().setCommand(command())
            .setContainer(container().addVolumes(volume(text(n), "/h")))),
        bound("container.volumes[0].host_path", LaunchLimits.PATH_BYTES, n -> task().setCommand(command())
            .setContainer(container().addVolumes(volume("/c", text(n))))),
        bound("container.docker.image", TextLimits.NAME_BYTES, n -> task().setCommand(command())
            .setContainer(container().setType(ContainerInfo.Type.DOCKER)
                .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(text(n))))),
        bound("container.docker.parameters", LaunchLimits.PARAMETERS, n -> task().setCommand(command())
            .setContainer(container().setType(ContainerInfo.Type.DOCKER).setDocker(ContainerInfo.DockerInfo.newBuilder()
                .setImage("busybox").addAllParameters(Collections.nCopies(n,
                    Parameter.newBuilder().setKey("k").setValue("v").build()))))),
        bound("container.docker.parameters[0].value", TextLimits.VALUE_BYTES, n -> task().setCommand(command())
            .setContainer(container().setType(ContainerInfo.Type.DOCKER).setDocker(ContainerInfo.DockerInfo.newBuilder()
                .setImage("busybox").addParameters(Parameter.newBuilder().setKey("k").setValue(text(n)))))),
        bound("container.mesos.image.docker.name", TextLimits.NAME_BYTES, n -> task().setCommand(command())
            .setContainer(container().setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder()
                .setType(Image.Type.DOCKER).setDocker(Image.Docker.newBuilder().setName(text(n))))))),
        bound("health_check.command.value", LaunchLimits.COMMAND_BYTES, n -> task().setCommand(command())
            .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
                .setCommand(command().setValue(text(n))))),
        bound("health_check.http.path", LaunchLimits.PATH_BYTES, n -> task().setCommand(command())
            .setHealthCheck(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
                .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(80).setPath(text(n))))),
        bound("data", LaunchLimits.DATA_BYTES, n -> task().setCommand(command())
            .setData(ByteString.copyFrom(new byte[n]))),
        bound("executor.command.value", LaunchLimits.COMMAND_BYTES,
            n -> task().setExecutor(executor().setCommand(command().setValue(text(n))))),
        bound("executor.data", LaunchLimits.DATA_BYTES,
            n -> task().setExecutor(executor().setData(ByteString.copyFrom(new byte[n])))),
        bound("executor.container.volumes[0].host_path", LaunchLimits.PATH_BYTES,
            n -> task().setExecutor(executor().setContainer(container().addVolumes(volume("/c", text(n)))))));
  }

  private static Arguments bound(String field, int limit, IntFunction<TaskInfo.Builder> taskWith) {
    return Arguments.of(field, limit, taskWith);
  }

  private static Optional<String> check(TaskInfo task) {
    Optional<String> bad = LaunchLimits.task(task);
    return bad.isPresent() || !task.hasExecutor() ? bad : LaunchLimits.executor("executor", task.getExecutor());
  }

  @ParameterizedTest(name = "{0} <= {1}")
  @MethodSource("bounds")
  void atTheBoundAcceptedOneOverRefused(String field, int limit, IntFunction<TaskInfo.Builder> taskWith) {
    assertThat(check(taskWith.apply(limit).build())).as("at the limit").isEmpty();
    assertThat(check(taskWith.apply(limit + 1).build())).as("one over")
        .hasValueSatisfying(message -> assertThat(message).startsWith("'" + field + "' ")
            .contains(String.valueOf(limit + 1)).endsWith("over the limit of " + limit
                + (message.contains("entries") ? "" : " bytes")));
  }

  @Test
  void aLaunchOfManyTasksAtTheirLimitsFitsInOneCall() {
    TaskInfo large = task().setCommand(command().setValue(text(LaunchLimits.COMMAND_BYTES))).build();
    int tasks = (4 * 1024 * 1024) / large.getSerializedSize();
    assertThat(tasks).as("tasks with a 64 KiB command in one 4 MB call").isGreaterThanOrEqualTo(60);
    assertThat(LaunchLimits.DATA_BYTES).as("a task's data leaves room for others").isLessThanOrEqualTo(1024 * 1024);
  }

  /** Through the master's state: the task over a limit gets TASK_ERROR naming the field, its sibling runs. */
  @Test
  void aTaskOverALimitGetsTaskErrorAndTheOthersLaunch() {
    ClusterState state = new ClusterState(MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).build(),
        new DrfAllocator(new Random(1)), Clock.systemUTC(), new ManualTimers(), StateOwner.currentThread(),
        Duration.ofMinutes(10), null);
    RecordingSink<AgentEvent> agent = new RecordingSink<>("agent");
    state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("h")
        .setPort(5051).addResources(scalar("cpus", 2)).addResources(scalar("mem", 1024))).build(), agent);
    RecordingSink<Event> framework = new RecordingSink<>("f");
    String frameworkId = state.subscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("f")).build(), framework);
    state.allocate();
    Offer offer = framework.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).findFirst().orElseThrow()
        .getOffers().getOffers(0);

    state.accept(frameworkId, Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(launchable("fits", offer, text(LaunchLimits.COMMAND_BYTES)))
                .addTaskInfos(launchable("too-long", offer, text(LaunchLimits.COMMAND_BYTES + 1)))))
        .build());

    List<TaskStatus> updates = framework.events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
        .map(e -> e.getUpdate().getStatus()).toList();
    assertThat(updates).singleElement().satisfies(s -> {
      assertThat(s.getTaskId().getValue()).isEqualTo("too-long");
      assertThat(s.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
      assertThat(s.getMessage()).isEqualTo("'command.value' is 65537 bytes long, over the limit of 65536 bytes");
    });
    assertThat(agent.events).filteredOn(e -> e.getType() == AgentEvent.Type.RUN_TASK)
        .extracting(e -> e.getRunTask().getTask().getTaskId().getValue()).containsExactly("fits");
  }

  private static TaskInfo launchable(String id, Offer offer, String command) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64))
        .setCommand(CommandInfo.newBuilder().setValue(command)).build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
