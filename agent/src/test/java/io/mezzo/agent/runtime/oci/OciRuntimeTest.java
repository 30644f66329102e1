package io.mezzo.agent.runtime.oci;

import io.mezzo.testkit.Requires;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.support.Timers;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.spi.LaunchedContainer;
import io.mezzo.agent.spi.Termination;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.testkit.TestVertx;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real OCI containers with runc; skipped where the tests do not run as root or there is
 * no runc. The Docker image cases also need a Docker engine with the local image
 * {@value #IMAGE}; the rootfs directory and tarball cases are built from the host's static
 * busybox and need no engine.
 */
class OciRuntimeTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  static final String IMAGE = "mezzo/busybox:test";
  static final Path BUSYBOX = Path.of("/bin/busybox");
  /** runc, or what MEZZO_OCI_RUNTIME names (crun), to run these tests with another OCI runtime. */
  static final String BINARY = System.getenv().getOrDefault("MEZZO_OCI_RUNTIME", "runc");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> APPLETS = List.of("sh", "echo", "cat", "head", "tail", "sleep", "true", "ls", "id");

  @TempDir
  Path sandbox;

  @TempDir
  Path work;

  private Vertx vertx;
  private OciRuntime runtime;
  private boolean docker;

  @BeforeAll
  static void needsRootAndRunc() {
    Requires.that(ProcessRuntime.agentIsRoot(), "the oci runtime needs root");
    Requires.that(OciRuntime.resolveBinary(BINARY).isPresent(), "no " + BINARY + " on PATH");
  }

  @BeforeEach
  void start() {
    vertx = vertxes.vertx();
    docker = DockerEngine.reachable(DockerEngine.defaultHost());
    OciImages images = docker
        ? new OciImages(work.resolve("images"), DockerEngine.client(DockerEngine.defaultHost(), null))
        : new OciImages(work.resolve("images"), OciImagesTest.NO_ENGINE);
    runtime = new OciRuntime(vertx, Timers.vertx(vertx), Cgroups.detect(CgroupsMode.AUTO),
        OciRuntime.resolveBinary(BINARY).orElseThrow(), work.resolve("state"), work.resolve("bundles"), images);
  }

  @AfterEach
  void stop() throws Exception {
    result(runtime.close(Duration.ofSeconds(1)));
  }

  @Test
  void aTaskInALocalDockerImageFinishesWithItsOutputInTheSandbox() throws Exception {
    needsDockerImage();
    LaunchedContainer container = result(runtime.launch(request(task(IMAGE,
        "echo hi; echo oops >&2; pwd; echo $GREETING $MESOS_SANDBOX; echo x > /mnt/mesos/sandbox/written"),
        Map.of("GREETING", "hello", "MESOS_SANDBOX", sandbox.toString()))));
    Termination termination = result(container.termination());

    assertThat(termination.succeeded()).as(read("stderr")).isTrue();
    assertThat(read("stdout")).isEqualTo("hi\n/mnt/mesos/sandbox\nhello /mnt/mesos/sandbox\n");
    assertThat(read("stderr")).isEqualTo("oops\n");
    assertThat(read("written")).isEqualTo("x\n");
    assertCleanedUp(container.containerId());
    try (var entries = Files.list(work.resolve("images"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("docker-");
    }
  }

  @Test
  void theRootfsIsReadOnlyAndTmpIsWritable() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    Termination termination = result(result(runtime.launch(request(task(rootfs.toString(),
        "echo t > /tmp/t && cat /tmp/t; echo no > /bin/x"), Map.of()))).termination());

    assertThat(read("stdout")).isEqualTo("t\n");
    assertThat(read("stderr")).contains("Read-only file system");
    assertThat(termination.succeeded()).isFalse();
    assertThat(rootfs.resolve("bin/x")).doesNotExist();
  }

  @Test
  void aRootfsDirectoryIsUsedAsTheImage() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    Termination termination = result(result(runtime.launch(request(task(rootfs.toString(), "echo from-a-dir"),
        Map.of()))).termination());

    assertThat(termination.succeeded()).as(read("stderr")).isTrue();
    assertThat(read("stdout")).isEqualTo("from-a-dir\n");
    assertThat(work.resolve("images")).doesNotExist();
  }

  @Test
  void aRootfsTarballIsExtractedOnceAndCached() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    Path tarball = work.resolve("rootfs.tar.gz");
    Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", rootfs.toString(), ".").inheritIO().start();
    assertThat(tar.waitFor(30, TimeUnit.SECONDS) && tar.exitValue() == 0).isTrue();

    Termination first = result(result(runtime.launch(request(task(tarball.toString(), "echo one"), Map.of()))).termination());
    Termination second = result(result(runtime.launch(request(task(tarball.toString(), "echo two"), Map.of()))).termination());

    assertThat(first.succeeded()).as(read("stderr")).isTrue();
    assertThat(second.succeeded()).isTrue();
    assertThat(read("stdout")).isEqualTo("one\ntwo\n");
    try (var entries = Files.list(work.resolve("images"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("tar-");
    }
  }

  @Test
  void theExitCodePassesThrough() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    Termination termination = result(result(runtime.launch(request(task(rootfs.toString(), "exit 3"), Map.of())))
        .termination());

    assertThat(termination.succeeded()).isFalse();
    assertThat(termination.limitation()).isNull();
    assertThat(termination.message()).isEqualTo("Command exited with status 3");
  }

  @Test
  void aContainerOverItsMemoryLimitFailsWithAMemoryLimitation() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    TaskInfo task = TaskInfo.newBuilder(task(rootfs.toString(), "head -c 200000000 /dev/zero | tail > /dev/null"))
        .addResources(scalar("mem", 32))
        .addResources(scalar("cpus", 0.5))
        .build();

    Termination termination = result(result(runtime.launch(request(task, Map.of()))).termination());

    assertThat(termination.limitation()).as(read("stderr")).isNotNull();
    assertThat(termination.limitation().reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(termination.message()).startsWith("Memory limit exceeded").contains("32 MB limit");
    assertThat(termination.succeeded()).isFalse();
  }

  @Test
  void killSendsTermFirstToATaskThatHandlesIt() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    LaunchedContainer container = result(runtime.launch(request(task(rootfs.toString(),
        "trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done"), Map.of())));
    await().atMost(WAIT).until(() -> read("stdout").contains("ready"));

    result(runtime.kill(container.containerId(), Duration.ofSeconds(30)));
    Termination termination = result(container.termination());

    assertThat(read("stdout")).isEqualTo("ready\ngot TERM\n");
    assertThat(termination.killed()).isTrue();
    assertThat(termination.signalled()).isFalse();
    assertCleanedUp(container.containerId());
  }

  @Test
  void killSendsKillAfterTheGracePeriodToATaskThatIgnoresTerm() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    LaunchedContainer container = result(runtime.launch(request(task(rootfs.toString(),
        "trap '' TERM; echo ready; while true; do sleep 0.1; done"), Map.of())));
    await().atMost(WAIT).until(() -> read("stdout").contains("ready"));

    result(runtime.kill(container.containerId(), Duration.ofMillis(500)));
    Termination termination = result(container.termination());

    assertThat(termination.killed()).isTrue();
    assertThat(termination.signal()).isEqualTo(9);
    assertThat(termination.message()).isEqualTo("Command terminated with signal Killed");
    assertCleanedUp(container.containerId());
  }

  @Test
  void killingAnUnknownOrEndedContainerDoesNothing() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    LaunchedContainer container = result(runtime.launch(request(task(rootfs.toString(), "true"), Map.of())));
    result(container.termination());

    result(runtime.kill(container.containerId(), Duration.ZERO));
    result(runtime.kill("no-such-container", Duration.ZERO));
  }

  @Test
  void aMissingDockerImageFailsClearlyAndLeavesNothing() {
    needsDocker();
    assertThatThrownBy(() -> result(runtime.launch(request(task("mezzo/does-not-exist:1", "true"), Map.of()))))
        .cause()
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessageStartingWith("Image 'mezzo/does-not-exist:1' is not available in the local Docker engine");
    assertThat(work.resolve("bundles")).satisfiesAnyOf(
        dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
  }

  @Test
  void aContainerTheRuntimeCannotCreateFailsTheLaunchWithTheRuntimesWords() throws Exception {
    Path rootfs = work.resolve("image");
    Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
    Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
    Files.writeString(rootfs.resolve("mnt"), "a file where the sandbox's mount point must go");

    assertThatThrownBy(() -> result(runtime.launch(request(task(rootfs.toString(), "true"), Map.of()))))
        .cause()
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessageStartingWith("Failed to start the OCI container (" + Path.of(BINARY).getFileName() + " exited with status 1: ")
        .hasMessageContaining("/mnt/mesos/sandbox");
    try (var bundles = Files.list(work.resolve("bundles"))) {
      assertThat(bundles).isEmpty();
    }
  }

  @Test
  void anExecutableMissingFromTheImageFailsTheTaskWithTheRuntimesWordsInStderr() throws Exception {
    Path rootfs = busyboxRootfs(work.resolve("image"));
    TaskInfo task = TaskInfo.newBuilder(task(rootfs.toString(), "ignored"))
        .setCommand(io.mezzo.v1.Protos.CommandInfo.newBuilder().setShell(false).setValue("/bin/no-such-program"))
        .build();

    Termination termination = result(result(runtime.launch(request(task, Map.of()))).termination());

    assertThat(termination.succeeded()).isFalse();
    assertThat(termination.message()).isEqualTo("Command exited with status 1");
    assertThat(read("stderr")).contains("/bin/no-such-program").contains("no such file or directory");
  }

  @Test
  void aMissingRootfsPathFailsClearly() {
    assertThatThrownBy(() -> result(runtime.launch(request(task("/no/such/rootfs", "true"), Map.of()))))
        .cause()
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessage("Image '/no/such/rootfs' does not exist (an absolute image name is a rootfs directory or tarball on the agent)");
  }

  @Test
  void anAppcImageOrNoCommandIsRefusedBeforeAnythingStarts() {
    TaskInfo appc = withContainer(Tasks.shellTask("appc", "true"), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.MESOS)
        .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.APPC)
            .setAppc(Image.Appc.newBuilder().setName("x")))));
    TaskInfo noCommand = TaskInfo.newBuilder(task("/", "true")).clearCommand().build();

    Future<LaunchedContainer> appcLaunch = runtime.launch(request(appc, Map.of()));
    Future<LaunchedContainer> noCommandLaunch = runtime.launch(request(noCommand, Map.of()));

    assertThat(appcLaunch.cause()).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("has an image of type APPC; the oci runtime supports only DOCKER images");
    assertThat(noCommandLaunch.cause()).isInstanceOf(ContainerLaunchException.class)
        .hasMessageContaining("has no command");
  }

  @Test
  void aMissingBinaryFailsTheLaunch() {
    OciRuntime broken = new OciRuntime(vertx, Timers.vertx(vertx), Cgroups.none("test"), Path.of("/no/such/runc"),
        work.resolve("state"), work.resolve("bundles"), new OciImages(work.resolve("images"), OciImagesTest.NO_ENGINE));

    assertThatThrownBy(() -> result(broken.launch(request(task("/", "true"), Map.of()))))
        .cause()
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessage("The OCI runtime /no/such/runc is missing or not executable");
  }

  /** A rootfs with the host's static busybox and a few applets; skips the test without one. */
  static Path busyboxRootfs(Path dir) throws Exception {
    Requires.that(Files.isExecutable(BUSYBOX), "no static busybox at " + BUSYBOX);
    Files.createDirectories(dir.resolve("bin"));
    for (String sub : List.of("tmp", "proc", "sys", "dev", "etc", "mnt/mesos/sandbox")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    return dir;
  }

  private void assertCleanedUp(String containerId) {
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(work.resolve("bundles").resolve(containerId)).doesNotExist();
      assertThat(work.resolve("state").resolve(containerId)).doesNotExist();
    });
  }

  private void needsDocker() {
    Requires.that(docker, "no Docker engine answers at " + DockerEngine.defaultHost());
  }

  private void needsDockerImage() {
    needsDocker();
    try (var client = DockerEngine.client(DockerEngine.defaultHost(), Duration.ofSeconds(10))) {
      client.inspectImageCmd(IMAGE).exec();
    } catch (Exception e) {
      Requires.missing("the local Docker image " + IMAGE + " is missing: " + e.getMessage());
    }
  }

  static TaskInfo task(String image, String command) {
    return withContainer(Tasks.shellTask(Tasks.uniqueId("oci"), command), ContainerInfo.newBuilder()
        .setType(ContainerInfo.Type.MESOS)
        .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder()
            .setType(Image.Type.DOCKER)
            .setDocker(Image.Docker.newBuilder().setName(image)))));
  }

  static TaskInfo withContainer(TaskInfo task, ContainerInfo.Builder container) {
    return TaskInfo.newBuilder(task).setContainer(container).build();
  }

  static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private LaunchRequest request(TaskInfo task, Map<String, String> environment) {
    return new LaunchRequest("c-" + UUID.randomUUID(), Tasks.FRAMEWORK, task, sandbox, environment);
  }

  private String read(String file) throws Exception {
    Path path = sandbox.resolve(file);
    return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
  }

  private static <T> T result(Future<T> future) throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
