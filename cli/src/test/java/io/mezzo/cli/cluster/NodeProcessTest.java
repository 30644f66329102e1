package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which live process is a recorded node, what holds a node's port, and the nodes' JVM options. */
class NodeProcessTest {
  private Process sleep;
  private Instant started;

  @BeforeEach
  void start() throws Exception {
    sleep = new ProcessBuilder("sleep", "60").start();
    started = sleep.info().startInstant().orElseThrow();
  }

  @AfterEach
  void stop() {
    sleep.destroyForcibly();
  }

  @Test
  void aLiveProcessIsTheNodeWhenItsCommandLineAndStartTimeMatch() {
    assertThat(node("sleep", List.of("60"), started).alive()).isTrue();
    assertThat(node("sleep", List.of("60"), started.plusMillis(1500)).alive()).as("within the tolerance").isTrue();
    assertThat(node("sleep", List.of("61"), started).alive()).as("other flags").isFalse();
    assertThat(node("agent", List.of("60"), started).alive()).as("other role").isFalse();
    assertThat(node("sleep", List.of("60"), started.minusSeconds(60)).alive()).as("a reused pid").isFalse();
  }

  @Test
  void aNodeWhosePortAnswersIsHeld() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeProcess master = new NodeProcess("master", "master-1", Long.MAX_VALUE - 1, null, socket.getLocalPort(),
          "http://127.0.0.1:" + socket.getLocalPort(), "log", null, List.of(), List.of());

      assertThat(master.alive()).isFalse();
      assertThat(master.heldBy()).hasValue("port " + socket.getLocalPort() + " is in use");
    }
  }

  @Test
  void eachKindOfNodeHasItsHeapAndTheEnvironmentAddsOptions() {
    assertThat(NodeLauncher.jvmOptions("master", Map.of())).containsExactly("-Xms128m", "-Xmx512m");
    // The faster start and failover that docs/operations.md offers an operator ("The leader dies").
    assertThat(NodeLauncher.jvmOptions("master", Map.of("MEZZO_MASTER_JAVA_OPTS", "-XX:TieredStopAtLevel=1")))
        .containsExactly("-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1");
    assertThat(NodeLauncher.jvmOptions("agent", Map.of("MEZZO_AGENT_JAVA_OPTS", " -Xmx1g  -Dx=y ")))
        .containsExactly("-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xmx1g", "-Dx=y");
    assertThat(NodeLauncher.jvmOptions("zookeeper", Map.of("MEZZO_MASTER_JAVA_OPTS", "-Xmx1g")))
        .containsExactly("-Xms32m", "-Xmx128m", "-XX:TieredStopAtLevel=1");
  }

  private NodeProcess node(String role, List<String> args, Instant startedAt) {
    return new NodeProcess(role, "n", sleep.pid(), startedAt.toString(), 0, "http://127.0.0.1:1", "log", null, args,
        List.of());
  }

  @Test
  void aNodeStillBetweenForkAndExecIsNotTakenForOneThatExited() {
    List<String> cli = List.of("/usr/bin/java", "-jar", "mezzo.jar", "cluster", "create", "--name", "x");
    assertThat(NodeProcess.stillSpawning(List.of(), cli)).isTrue();
    assertThat(NodeProcess.stillSpawning(List.of(""), cli)).isTrue();
    assertThat(NodeProcess.stillSpawning(List.of("/usr/lib/jvm/java-17/lib/jspawnhelper", "12:13"), cli)).isTrue();
    assertThat(NodeProcess.stillSpawning(cli, cli)).isTrue();
    assertThat(NodeProcess.stillSpawning(List.of("/usr/bin/java", "-jar", "mezzo.jar", "agent", "--port", "5051"), cli))
        .isFalse();
  }
}
