package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.resources.ResourceSpec;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.Wire;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperRegistrationTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  private static final String PATH = "/mezzo";
  /** The masters' nodes are readable with these digest credentials only, so the agent must send them. */
  private static final String CREDENTIALS = "mezzo:s3cret";

  @TempDir
  Path workDir;

  private TestingServer zookeeper;
  private CuratorFramework curator;
  private Vertx vertx;
  private FakeMaster master;
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    curator = CuratorFrameworkFactory.builder().connectString(zookeeper.getConnectString()).retryPolicy(new RetryOneTime(100))
        .authorization("digest", CREDENTIALS.getBytes(StandardCharsets.UTF_8)).build();
    curator.start();
    vertx = vertxes.vertx();
    master = FakeMaster.start(vertx, "agent-1");
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      AgentHarness.get(agent.close());
    }
    master.close();
    curator.close();
    zookeeper.close();
  }

  @Test
  void registersWithTheLeaderFoundInZooKeeperRunsATaskAndFollowsAFailover() throws Exception {
    String leaderNode = publish(master);
    assertThat(leaderNode).endsWith(Wire.MASTER_INFO_PREFIX + "0000000000");
    agent = new Agent(AgentConfig.builder()
        .master(MasterUrl.parse("zk://" + CREDENTIALS + "@" + zookeeper.getConnectString() + PATH + "/"))
        .ip("127.0.0.1")
        .hostname("agent-host")
        .port(0)
        .workDir(workDir)
        .resources(ResourceSpec.parseResources("cpus:1;mem:256"))
        .attributes(ResourceSpec.parseAttributes("rack:r1"))
        .runtimes("process")
        .build(),
        Clock.systemUTC());
    AgentHarness.get(agent.start());

    await().atMost(AgentHarness.WAIT).until(() -> "agent-1".equals(agent.agentId()));
    var register = master.registrations().get(0).getRegister();
    assertThat(register.getAgentInfo().getHostname()).isEqualTo("agent-host");
    assertThat(register.getAgentInfo().getAttributes(0).getText().getValue()).isEqualTo("r1");
    await().atMost(AgentHarness.WAIT).until(() -> Files.exists(workDir.resolve("agent.json")));
    JsonObject registration = new JsonObject(Files.readString(workDir.resolve("agent.json")));
    assertThat(registration.getString("agent_id")).isEqualTo("agent-1");
    assertThat(registration.getInteger("port")).isEqualTo(agent.httpPort());
    assertThat(registration.getLong("pid")).isEqualTo(ProcessHandle.current().pid());

    master.send(Tasks.runTask(Tasks.shellTask("echo-1", "echo hi from $MESOS_TASK_ID")));
    TaskStatus starting = awaitUpdate(0, TaskState.TASK_STARTING);
    master.send(Tasks.acknowledge(Tasks.FRAMEWORK, starting));
    TaskStatus running = awaitUpdate(1, TaskState.TASK_RUNNING);
    master.send(Tasks.acknowledge(Tasks.FRAMEWORK, running));
    TaskStatus finished = awaitUpdate(2, TaskState.TASK_FINISHED);
    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");
    assertThat(finished.getExecutorId().getValue()).isEqualTo("echo-1");
    master.send(Tasks.acknowledge(Tasks.FRAMEWORK, finished));
    await().atMost(AgentHarness.WAIT).until(() -> AgentHarness.get(agent.state()).getJsonArray("tasks").isEmpty());

    String stdout = "/frameworks/framework-1/executors/echo-1/runs/latest/stdout";
    assertThat(httpGet("/files/read?path=" + stdout + "&offset=0"))
        .isEqualTo("{\"data\":\"hi from echo-1\\n\",\"offset\":0}");

    // Failover: a second master publishes, the first one's node goes away.
    try (FakeMaster next = FakeMaster.start(vertx, "agent-other")) {
      publish(next);
      curator.delete().forPath(leaderNode);
      await().atMost(AgentHarness.WAIT).until(() -> !next.registrations().isEmpty());
      assertThat(next.registrations().get(0).getAgentId().getValue()).isEqualTo("agent-1");
      await().atMost(AgentHarness.WAIT).until(() ->
          ("127.0.0.1:" + next.port()).equals(AgentHarness.get(agent.state()).getString("master")));
      assertThat(agent.agentId()).isEqualTo("agent-1");
    }
  }

  private String publish(FakeMaster leader) throws Exception {
    return curator.create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .withACL(ZooDefs.Ids.CREATOR_ALL_ACL, true)
        .forPath(PATH + "/" + Wire.MASTER_INFO_PREFIX, leader.masterInfoJson().getBytes(StandardCharsets.UTF_8));
  }

  private TaskStatus awaitUpdate(int index, TaskState state) {
    await().atMost(AgentHarness.WAIT).until(() -> master.statusUpdates().size() > index);
    TaskStatus status = master.statusUpdates().get(index);
    assertThat(status.getState()).isEqualTo(state);
    return status;
  }

  private String httpGet(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
