package io.mezzo.conformance;

import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_CONTAINERS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_EXECUTORS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_FLAGS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_FRAMEWORKS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_HEALTH;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_METRICS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_STATE;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_TASKS;
import static org.apache.mesos.v1.agent.Protos.Call.Type.GET_VERSION;
import static org.apache.mesos.v1.agent.Protos.Call.Type.LIST_FILES;
import static org.apache.mesos.v1.agent.Protos.Call.Type.READ_FILE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Metric;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Mesos operator's view of a Mezzo cluster started by {@code mezzo cluster create}: the
 * master's and the agent's {@code POST /api/v1} and the master's event stream, read with the
 * official Apache Mesos 1.11 classes on protobuf-java 3 in both encodings, over HTTPS trusting the
 * cluster CA and authenticated as the operator principal {@value ClusterAccess#OPERATOR}, whom the
 * cluster's ACLs let see everything (a framework's sandbox too). The answers are
 * checked against what the test did: two agents, a framework in role {@code ops} with one
 * running task. (The bare call types, GET_HEALTH and so on, are the agent's; the master's are
 * written Call.Type.X.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorApiConformanceIT {
  private static final String ROLE = "ops";
  @RegisterExtension
  static final MezzoCluster cluster = MezzoCluster.named("operator").agents(2)
      .createArgs("--agent-reregister-timeout", "5secs");
  private OperatorHttp master;
  private SchedulerHttp scheduler;
  private MesosFramework sleeper;
  private TaskStatus running;

  @BeforeAll
  void startATask() throws Exception {
    master = new OperatorHttp(cluster.masterUrl(), cluster.access());
    scheduler = new SchedulerHttp(cluster.masterUrl(), cluster.access());
    sleeper = MesosFramework.subscribe(scheduler, "operator-sleeper", ROLE, Encoding.PROTOBUF);
    // The sleeper then keeps away from both agents for an hour, so the other frameworks get their offers.
    List<Offer> offers = sleeper.offers();
    Offer offer = offers.get(0);
    assertThat(sleeper.launch(offer, 3600, MesosFramework.task("sleeper", offer.getAgentId(), "sleep 600", ROLE))
        .statusCode()).isEqualTo(202);
    if (offers.size() > 1) {
      assertThat(sleeper.decline(offers.subList(1, offers.size()), 3600).statusCode()).isEqualTo(202);
    }
    running = sleeper.update("sleeper", TaskState.TASK_RUNNING);
  }

  @AfterAll
  void stopTheTask() throws Exception {
    if (sleeper != null) {
      sleeper.close();
    }
  }

  private static Call call(Call.Type type) {
    return Call.newBuilder().setType(type).build();
  }

  private Response master(Call.Type type, Encoding encoding) throws Exception {
    Response response = master.call(call(type), encoding, Response.getDefaultInstance());
    assertThat(response.getType().name()).as("the response type of " + type).isEqualTo(type.name());
    return response;
  }

  private static Map<String, Double> metrics(List<Metric> metrics) {
    return metrics.stream().collect(Collectors.toMap(Metric::getName, Metric::getValue, (a, b) -> b));
  }

  private static double scalar(List<Resource> resources, String name) {
    return resources.stream().filter(r -> r.getName().equals(name)).mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  @Order(1)
  void theMastersReadCallsDescribeTheCluster(Encoding encoding) throws Exception {
    assertThat(master(Call.Type.GET_HEALTH, encoding).getGetHealth().getHealthy()).isTrue();
    assertThat(master(Call.Type.GET_VERSION, encoding).getGetVersion().getVersionInfo().getVersion()).isNotBlank();
    Map<String, String> flags = master(Call.Type.GET_FLAGS, encoding).getGetFlags().getFlagsList().stream()
        .collect(Collectors.toMap(f -> f.getName(), f -> f.getValue()));
    assertThat(flags).containsEntry("offer-timeout", "1mins").containsEntry("agent-reregister-timeout", "5secs");
    assertThat(master(Call.Type.GET_LOGGING_LEVEL, encoding).getGetLoggingLevel().hasLevel()).isTrue();

    Response.GetMaster leader = master(Call.Type.GET_MASTER, encoding).getGetMaster();
    assertThat(leader.getMasterInfo().getPort()).isEqualTo(URI.create(cluster.masterUrl()).getPort());
    assertThat(leader.getElectedTime()).isGreaterThan(0).isGreaterThanOrEqualTo(leader.getStartTime());

    Response.GetAgents agents = master(Call.Type.GET_AGENTS, encoding).getGetAgents();
    assertThat(agents.getAgentsList()).hasSize(2).allSatisfy(agent -> {
      assertThat(agent.getActive()).isTrue();
      assertThat(scalar(agent.getTotalResourcesList(), "cpus")).isEqualTo(4.0);
    });
    assertThat(agents.getAgentsList()).anySatisfy(agent -> {
      assertThat(agent.getAgentInfo().getId()).isEqualTo(running.getAgentId());
      assertThat(scalar(agent.getAllocatedResourcesList(), "cpus")).isGreaterThanOrEqualTo(0.1);
    });

    Response.GetFrameworks frameworks = master(Call.Type.GET_FRAMEWORKS, encoding).getGetFrameworks();
    assertThat(frameworks.getFrameworksList()).anySatisfy(framework -> {
      assertThat(framework.getFrameworkInfo().getId()).isEqualTo(sleeper.id);
      assertThat(framework.getFrameworkInfo().getRolesList()).containsExactly(ROLE);
      assertThat(framework.getActive()).isTrue();
      assertThat(framework.getConnected()).isTrue();
    });

    Response.GetTasks tasks = master(Call.Type.GET_TASKS, encoding).getGetTasks();
    Task task = tasks.getTasksList().stream().filter(t -> t.getTaskId().getValue().equals("sleeper")).findFirst()
        .orElseThrow(() -> new AssertionError("GET_TASKS lacks the running task: " + tasks));
    assertThat(task.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(task.getFrameworkId()).isEqualTo(sleeper.id);
    assertThat(task.getAgentId()).isEqualTo(running.getAgentId());

    master(Call.Type.GET_EXECUTORS, encoding);
    assertThat(master(Call.Type.GET_ROLES, encoding).getGetRoles().getRolesList()).anySatisfy(role -> {
      assertThat(role.getName()).isEqualTo(ROLE);
      assertThat(role.getFrameworksList()).contains(sleeper.id);
    });

    Response.GetState state = master(Call.Type.GET_STATE, encoding).getGetState();
    assertThat(state.getGetAgents().getAgentsList()).hasSize(2);
    assertThat(state.getGetFrameworks().getFrameworksList()).anySatisfy(f ->
        assertThat(f.getFrameworkInfo().getId()).isEqualTo(sleeper.id));
    assertThat(state.getGetTasks().getTasksList()).anySatisfy(t ->
        assertThat(t.getTaskId().getValue()).isEqualTo("sleeper"));

    Map<String, Double> metrics = metrics(master(Call.Type.GET_METRICS, encoding).getGetMetrics().getMetricsList());
    assertThat(metrics).containsEntry("master/elected", 1.0).containsEntry("master/slaves_active", 2.0);
    assertThat(metrics.get("master/tasks_running")).isGreaterThanOrEqualTo(1.0);

    master(Call.Type.GET_WEIGHTS, encoding);
    master(Call.Type.GET_QUOTA, encoding);
  }

  private OperatorHttp agentOf(AgentID agentId) throws Exception {
    Response.GetAgents agents = master(Call.Type.GET_AGENTS, Encoding.PROTOBUF).getGetAgents();
    int port = agents.getAgentsList().stream().filter(a -> a.getAgentInfo().getId().equals(agentId)).findFirst()
        .orElseThrow().getAgentInfo().getPort();
    String url = cluster.agents().stream().map(MezzoCluster.Node::url).filter(u -> URI.create(u).getPort() == port)
        .findFirst().orElseThrow(() -> new AssertionError("no agent process listens on " + port));
    return new OperatorHttp(url, cluster.access());
  }

  private static org.apache.mesos.v1.agent.Protos.Response agent(OperatorHttp agent,
      org.apache.mesos.v1.agent.Protos.Call call, Encoding encoding) throws Exception {
    org.apache.mesos.v1.agent.Protos.Response response =
        agent.call(call, encoding, org.apache.mesos.v1.agent.Protos.Response.getDefaultInstance());
    assertThat(response.getType().name()).as("the response type of " + call.getType()).isEqualTo(call.getType().name());
    return response;
  }

  private static org.apache.mesos.v1.agent.Protos.Call agentCall(org.apache.mesos.v1.agent.Protos.Call.Type type) {
    return org.apache.mesos.v1.agent.Protos.Call.newBuilder().setType(type).build();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  @Order(2)
  void theAgentsReadCallsDescribeItsTask(Encoding encoding) throws Exception {
    OperatorHttp agent = agentOf(running.getAgentId());
    assertThat(agent(agent, agentCall(GET_HEALTH), encoding).getGetHealth().getHealthy())
        .isTrue();
    assertThat(agent(agent, agentCall(GET_VERSION), encoding).getGetVersion()
        .getVersionInfo().getVersion()).isNotBlank();
    assertThat(agent(agent, agentCall(GET_FLAGS), encoding).getGetFlags().getFlagsList())
        .isNotEmpty();
    Map<String, Double> metrics = metrics(agent(agent, agentCall(GET_METRICS), encoding)
        .getGetMetrics().getMetricsList());
    assertThat(metrics.get("slave/tasks_running")).isGreaterThanOrEqualTo(1.0);

    var tasks = agent(agent, agentCall(GET_TASKS), encoding).getGetTasks();
    assertThat(tasks.getLaunchedTasksList()).anySatisfy(t -> {
      assertThat(t.getTaskId().getValue()).isEqualTo("sleeper");
      assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
    });
    var state = agent(agent, agentCall(GET_STATE), encoding).getGetState();
    assertThat(state.getGetTasks().getLaunchedTasksList()).anySatisfy(t ->
        assertThat(t.getTaskId().getValue()).isEqualTo("sleeper"));
    assertThat(state.getGetFrameworks().getFrameworksList()).anySatisfy(f ->
        assertThat(f.getFrameworkInfo().getId()).isEqualTo(sleeper.id));
    assertThat(agent(agent, agentCall(GET_FRAMEWORKS), encoding).getGetFrameworks()
        .getFrameworksList()).anySatisfy(f -> assertThat(f.getFrameworkInfo().getId()).isEqualTo(sleeper.id));
    agent(agent, agentCall(GET_EXECUTORS), encoding);
    assertThat(agent(agent, agentCall(GET_CONTAINERS), encoding).getGetContainers()
        .getContainersList()).anySatisfy(c -> assertThat(c.getFrameworkId()).isEqualTo(sleeper.id));

    String sandbox = "/frameworks/" + sleeper.id.getValue() + "/executors/sleeper/runs/latest";
    var files = agent(agent, org.apache.mesos.v1.agent.Protos.Call.newBuilder()
        .setType(LIST_FILES)
        .setListFiles(org.apache.mesos.v1.agent.Protos.Call.ListFiles.newBuilder().setPath(sandbox)).build(), encoding)
        .getListFiles();
    assertThat(files.getFileInfosList()).anySatisfy(f -> assertThat(f.getPath()).endsWith("/stdout"));
    var read = agent(agent, org.apache.mesos.v1.agent.Protos.Call.newBuilder()
        .setType(READ_FILE)
        .setReadFile(org.apache.mesos.v1.agent.Protos.Call.ReadFile.newBuilder().setPath(sandbox + "/stdout")
            .setOffset(0)).build(), encoding).getReadFile();
    assertThat(read.getData().size()).isEqualTo((int) read.getSize());
  }

  private static boolean taskUpdated(Event event, String taskId, TaskState state) {
    return event.getType() == Event.Type.TASK_UPDATED
        && event.getTaskUpdated().getStatus().getTaskId().getValue().equals(taskId)
        && event.getTaskUpdated().getState() == state;
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  @Order(3)
  void theEventStreamFollowsAFrameworkAndItsTaskAndMezzosOfferEventsReadAsUnknown(Encoding encoding)
      throws Exception {
    AtomicInteger unknown = new AtomicInteger();
    try (RecordStream<Event> events = master.subscribe(call(Call.Type.SUBSCRIBE), encoding,
        Event.getDefaultInstance())) {
      Event subscribed = events.next();
      assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
      assertThat(subscribed.getSubscribed().getGetState().getGetAgents().getAgentsList()).hasSize(2);
      assertThat(subscribed.getSubscribed().getHeartbeatIntervalSeconds()).isGreaterThan(0);

      String taskId = "echo-" + UUID.randomUUID().toString().substring(0, 8);
      try (MesosFramework framework = MesosFramework.subscribe(scheduler, "operator-events", ROLE, encoding)) {
        Event added = events.next(e -> count(e, unknown) && e.getType() == Event.Type.FRAMEWORK_ADDED);
        assertThat(added.getFrameworkAdded().getFramework().getFrameworkInfo().getId()).isEqualTo(framework.id);
        Offer offer = framework.offer();
        assertThat(framework.launch(offer, MesosFramework.task(taskId, offer.getAgentId(), "echo hi", ROLE))
            .statusCode()).isEqualTo(202);
        Event taskAdded = events.next(e -> count(e, unknown) && e.getType() == Event.Type.TASK_ADDED);
        assertThat(taskAdded.getTaskAdded().getTask().getTaskId().getValue()).isEqualTo(taskId);
        framework.update(taskId, TaskState.TASK_RUNNING);
        events.next(e -> count(e, unknown) && taskUpdated(e, taskId, TaskState.TASK_RUNNING));
        framework.update(taskId, TaskState.TASK_FINISHED);
        events.next(e -> count(e, unknown) && taskUpdated(e, taskId, TaskState.TASK_FINISHED));
      }
      Event removed = events.next(e -> count(e, unknown) && e.getType() == Event.Type.FRAMEWORK_REMOVED);
      assertThat(removed.getFrameworkRemoved().getFrameworkInfo().getName()).isEqualTo("operator-events");
    }
    // The framework's offer was created and accepted: Mezzo's offer events, which a client on
    // Mesos's own classes decodes without error as events of an unknown type.
    assertThat(unknown.get()).as("offer events seen as UNKNOWN").isGreaterThanOrEqualTo(2);
  }

  private static boolean count(Event event, AtomicInteger unknown) {
    if (event.getType() == Event.Type.UNKNOWN) {
      unknown.incrementAndGet();
    }
    return true;
  }

  @Test
  @Order(4)
  void anAgentWhoseProcessStopsIsRemovedOnTheStream() throws Exception {
    OperatorHttp withTask = agentOf(running.getAgentId());
    Response.GetAgents agents = master(Call.Type.GET_AGENTS, Encoding.PROTOBUF).getGetAgents();
    try (RecordStream<Event> events = master.subscribe(call(Call.Type.SUBSCRIBE), Encoding.JSON,
        Event.getDefaultInstance())) {
      events.next(e -> e.getType() == Event.Type.SUBSCRIBED);
      MezzoCluster.Node idle = cluster.agents().stream()
          .filter(node -> !node.url().equals(withTask.baseUrl()))
          .findFirst().orElseThrow();
      AgentID idleId = agents.getAgentsList().stream()
          .filter(a -> a.getAgentInfo().getPort() == URI.create(idle.url()).getPort()).findFirst().orElseThrow()
          .getAgentInfo().getId();
      ProcessHandle process = ProcessHandle.of(idle.pid()).orElseThrow();
      process.destroyForcibly();
      process.onExit().get();
      Event removed = events.next(e -> e.getType() == Event.Type.AGENT_REMOVED);
      assertThat(removed.getAgentRemoved().getAgentId()).isEqualTo(idleId);
    }
    assertThat(master(Call.Type.GET_AGENTS, Encoding.PROTOBUF).getGetAgents().getAgentsList()).hasSize(1);
  }
}
