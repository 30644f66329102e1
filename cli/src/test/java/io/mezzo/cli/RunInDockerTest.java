package io.mezzo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.testkit.LocalCluster;
import io.mezzo.testkit.Requires;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code mezzo run --runtime docker}: the Mesos docker containerizer passes CommandInfo.value then
 * every argument, so the CLI leaves argv[0] out of the arguments there; the words must still
 * reach the container exactly as given.
 */
class RunInDockerTest {
  private static final String IMAGE = "mezzo/busybox:test";
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    Requires.that(imagePresent(), "needs a Docker engine with the local image " + IMAGE + " (.ci/run makes it)");
    cluster = LocalCluster.builder().agents(1).runtimes("process", "docker")
        .allocationInterval(Duration.ofMillis(100)).build().start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void severalWordsRunAsAnArgvInTheContainer() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "--", "echo", "a  b", "$HOME");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("a  b $HOME\n");
  }

  @Test
  void shDashCExitsWithItsScriptsCode() {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--", "sh", "-c", "exit 3")).as(err.toString()).isEqualTo(3);
  }

  private static int run(StringWriter out, StringWriter err, String... command) {
    String[] args = new String[command.length + 9];
    System.arraycopy(new String[] {"run", "--master", cluster.masterUrl(), "--timeout", "120s", "--runtime", "docker",
        "--image", IMAGE}, 0, args, 0, 9);
    System.arraycopy(command, 0, args, 9, command.length);
    return new CommandLine(new MezzoCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private static boolean imagePresent() throws Exception {
    try {
      Process p = new ProcessBuilder("docker", "image", "inspect", IMAGE).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
