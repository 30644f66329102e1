package io.mezzo.agent.runtime.docker;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.mezzo.agent.support.Timers;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.ContainerInfo.DockerInfo;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.Protos.Volume;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs real containers; skipped where no Docker engine answers (CI starts one, see .ci/run). */
class DockerRuntimeTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  static final String IMAGE = "mezzo/busybox:test";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path sandbox;

  private Vertx vertx;
  private DockerRuntime runtime;
  private DockerClient client;

  @BeforeAll
  static void needsDocker() {
    Requires.that(DockerEngine.reachable(DockerEngine.defaultHost()),
        "no Docker engine answers at " + DockerEngine.defaultHost());
  }

  @BeforeEach
  void start() {
    vertx = vertxes.vertx();
    runtime = new DockerRuntime(DockerEngine.defaultHost(), Timers.vertx(vertx));
    client = DockerEngine.client(DockerEngine.defaultHost(), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    result(runtime.close(Duration.ofSeconds(1)));
    client.close();
  }

  @Test
  void echoWritesToTheSandboxStdoutAndFinishes() throws Exception {
    LaunchedContainer container = result(runtime.launch(request(task("echo hi; echo oops >&2; pwd; echo $GREETING"),
        Map.of("GREETING", "hello"))));
    Termination termination = result(container.termination());

    assertThat(termination.succeeded()).isTrue();
    assertThat(termination.message()).isEqualTo("Command exited with status 0");
    assertThat(read("stdout")).isEqualTo("hi\n/mnt/mesos/sandbox\nhello\n");
    assertThat(read("stderr")).isEqualTo("oops\n");
    assertGone(container.containerId());
  }

  @Test
  void aNonZeroExitIsReportedWithItsStatus() throws Exception {
    Termination termination = result(result(runtime.launch(request(task("exit 3"), Map.of()))).termination());

    assertThat(termination.succeeded()).isFalse();
    assertThat(termination.limitation()).isNull();
    assertThat(termination.message()).isEqualTo("Command exited with status 3");
  }

  @Test
  void theSandboxIsMountedAtMesosSandbox() throws Exception {
    Termination termination = result(result(runtime.launch(
        request(task("echo written > $MESOS_SANDBOX/x && echo hi > /mnt/mesos/sandbox/y"), Map.of()))).termination());

    assertThat(termination.succeeded()).isTrue();
    assertThat(read("x")).isEqualTo("written\n");
    assertThat(read("y")).isEqualTo("hi\n");
  }

  @Test
  void hostPathVolumesAreMountedWithTheirMode(@TempDir Path data) throws Exception {
    Files.writeString(data.resolve("in"), "from the host\n");
    TaskInfo task = withContainer(task("cat /data/in; echo no > /data/out"), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.DOCKER)
        .setDocker(DockerInfo.newBuilder().setImage(IMAGE))
        .addVolumes(Volume.newBuilder().setContainerPath("/data").setHostPath(data.toString()).setMode(Volume.Mode.RO)));

    Termination termination = result(result(runtime.launch(request(task, Map.of()))).termination());

    assertThat(read("stdout")).isEqualTo("from the host\n");
    assertThat(termination.succeeded()).isFalse();
    assertThat(read("stderr")).contains("Read-only file system");
    assertThat(data.resolve("out")).doesNotExist();
  }

  @Test
  void aContainerOverItsMemoryLimitFailsWithAMemoryLimitation() throws Exception {
    TaskInfo task = TaskInfo.newBuilder(task("head -c 200000000 /dev/zero | tail > /dev/null"))
        .addResources(scalar("mem", 32))
        .addResources(scalar("cpus", 0.5))
        .build();

    Termination termination = result(result(runtime.launch(request(task, Map.of()))).termination());

    assertThat(termination.succeeded()).isFalse();
    assertThat(termination.limitation()).isNotNull();
    assertThat(termination.limitation().reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(termination.message()).startsWith("Memory limit exceeded").contains("32 MB");
  }

  @Test
  void aMissingImageFailsTheLaunchWithTheEnginesMessage() {
    TaskInfo task = withContainer(task("true"), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.DOCKER)
        .setDocker(DockerInfo.newBuilder().setImage("mezzo/does-not-exist:1")));

    assertThatThrownBy(() -> result(runtime.launch(request(task, Map.of()))))
        .hasCauseInstanceOf(ContainerLaunchException.class)
        .cause()
        .hasMessageStartingWith("Image 'mezzo/does-not-exist:1' is not available locally and could not be pulled: ")
        // what the engine said: a registry error, never an empty message
        .satisfies(e -> assertThat(e.getMessage().length())
            .isGreaterThan("Image 'mezzo/does-not-exist:1' is not available locally and could not be pulled: ".length() + 5));
  }

  @Test
  void killStopsTheContainerAfterTheGracePeriodAndRemovesIt() throws Exception {
    LaunchedContainer container = result(runtime.launch(request(task("sleep 1000"), Map.of())));
    assertThat(client.inspectContainerCmd(DockerContainerSpec.containerName(container.containerId())).exec()
        .getState().getRunning()).isTrue();

    result(runtime.kill(container.containerId(), Duration.ofSeconds(1)));
    Termination termination = result(container.termination());

    assertThat(termination.killed()).isTrue();
    assertThat(termination.succeeded()).isFalse();
    assertGone(container.containerId());
  }

  @Test
  void bridgeNetworkPublishesMappedPortsWithinThePortsResources() throws Exception {
    TaskInfo task = withContainer(TaskInfo.newBuilder(task("sleep 1000")).addResources(ports(31000, 31009)).build(),
        ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(DockerInfo.newBuilder()
            .setImage(IMAGE)
            .setNetwork(DockerInfo.Network.BRIDGE)
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31005).setContainerPort(8080))));

    LaunchedContainer container = result(runtime.launch(request(task, Map.of())));

    var inspect = client.inspectContainerCmd(DockerContainerSpec.containerName(container.containerId())).exec();
    assertThat(inspect.getHostConfig().getNetworkMode()).isEqualTo("bridge");
    assertThat(inspect.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(8080)))
        .extracting(Ports.Binding::getHostPortSpec).containsExactly("31005");
    result(runtime.kill(container.containerId(), Duration.ofSeconds(1)));
    assertThat(result(container.termination()).killed()).isTrue();
  }

  @Test
  void aMappedHostPortReachesTheContainer() throws Exception {
    TaskInfo task = withContainer(TaskInfo.newBuilder(task(
            "echo served-by-the-container > index.html && httpd -f -p 8080 -h /mnt/mesos/sandbox"))
            .addResources(ports(31000, 31009)).build(),
        ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(DockerInfo.newBuilder()
            .setImage(IMAGE)
            .setNetwork(DockerInfo.Network.BRIDGE)
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(31007).setContainerPort(8080))));

    LaunchedContainer container = result(runtime.launch(request(task, Map.of())));

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:31007/index.html"))
        .timeout(Duration.ofSeconds(2)).build();
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        assertThat(http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("served-by-the-container\n"));
    result(runtime.kill(container.containerId(), Duration.ofSeconds(1)));
    assertThat(result(container.termination()).killed()).isTrue();
  }

  @Test
  void forcePullPullsEvenALocalImage() {
    TaskInfo task = withContainer(task("true"), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.DOCKER)
        .setDocker(DockerInfo.newBuilder().setImage(IMAGE).setForcePullImage(true)));

    // The test image exists only locally, so a forced pull must fail where a plain launch would not.
    assertThatThrownBy(() -> result(runtime.launch(request(task, Map.of()))))
        .cause()
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessageStartingWith("Image '" + IMAGE + "' could not be pulled (force_pull_image): ");
  }

  @Test
  void aHostPortOutsideThePortsResourcesIsRefused() {
    TaskInfo task = withContainer(TaskInfo.newBuilder(task("true")).addResources(ports(31000, 31009)).build(),
        ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(DockerInfo.newBuilder()
            .setImage(IMAGE)
            .setNetwork(DockerInfo.Network.BRIDGE)
            .addPortMappings(DockerInfo.PortMapping.newBuilder().setHostPort(8080).setContainerPort(80))));

    Future<LaunchedContainer> launch = runtime.launch(request(task, Map.of()));

    assertThat(launch.failed()).isTrue();
    assertThat(launch.cause()).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("maps host port 8080, which is not in its ports resources [31000-31009]");
  }

  @Test
  void limitsComeFromTheTasksResources() throws Exception {
    TaskInfo task = TaskInfo.newBuilder(task("sleep 1000")).addResources(scalar("mem", 64)).addResources(scalar("cpus", 0.5)).build();

    LaunchedContainer container = result(runtime.launch(request(task, Map.of())));

    var host = client.inspectContainerCmd(DockerContainerSpec.containerName(container.containerId())).exec().getHostConfig();
    assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getCpuShares()).isEqualTo(512);
    assertThat(host.getCpuQuota()).isEqualTo(50_000L);
    assertThat(host.getCpuPeriod()).isEqualTo(100_000L);
    var labels = client.inspectContainerCmd(DockerContainerSpec.containerName(container.containerId())).exec()
        .getConfig().getLabels();
    assertThat(labels).containsEntry("mezzo.framework", Tasks.FRAMEWORK.getValue()).containsKey("mezzo.task");
    result(runtime.kill(container.containerId(), Duration.ofSeconds(1)));
    result(container.termination());
  }

  private void assertGone(String containerId) {
    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(
        () -> client.inspectContainerCmd(DockerContainerSpec.containerName(containerId)).exec())
        .isInstanceOf(NotFoundException.class));
  }

  static TaskInfo task(String command) {
    return withContainer(Tasks.shellTask(Tasks.uniqueId("docker"), command), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.DOCKER)
        .setDocker(DockerInfo.newBuilder().setImage(IMAGE)));
  }

  static TaskInfo withContainer(TaskInfo task, ContainerInfo.Builder container) {
    return TaskInfo.newBuilder(task).setContainer(container).build();
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static Resource ports(long begin, long end) {
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end))).build();
  }

  private LaunchRequest request(TaskInfo task, Map<String, String> environment) {
    return new LaunchRequest("c-" + UUID.randomUUID(), Tasks.FRAMEWORK, task, sandbox, environment);
  }

  private String read(String file) throws Exception {
    return Files.readString(sandbox.resolve(file), StandardCharsets.UTF_8);
  }

  private static <T> T result(Future<T> future) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
