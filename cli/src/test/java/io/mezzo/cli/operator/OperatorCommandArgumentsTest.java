package io.mezzo.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Argument checks of the operator commands. Each bad command line must exit 2 with a message
 * before sending anything: the master URL points at a closed port, so a command that did send
 * would fail with exit 1 ("Cannot reach the master") instead.
 */
class OperatorCommandArgumentsTest {
  private static String closedPort;

  @BeforeAll
  static void findAClosedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "quota set --role eng                                          | Give --guarantee and/or --limit",
      "quota set --role eng/web --limit cpus:1                       | nested roles",
      "quota set --role * --limit cpus:1                             | default role '*'",
      "quota set --role=-eng --limit cpus:1                          | invalid component",
      "quota set --role eng --guarantee cpus:4 --limit cpus:2        | Guarantee cpus:4 is greater than limit cpus:2",
      "quota set --role eng --guarantee cpus:abc                     | Invalid quantity 'abc' for cpus",
      "quota set --role eng --limit cpus:-1                          | must be a non-negative number",
      "quota set --role eng --limit ports:[1-2]                      | Only scalar resources",
      "quota set --role eng --limit cpus:1;cpus:2                    | named twice",
      "quota set --limit cpus:1                                      | Missing required option: '--role",
      "quota remove --role *                                         | default role '*'",
      "weights set eng=0                                             | must be a positive number",
      "weights set eng                                               | Expected ROLE=WEIGHT",
      "weights set eng=x                                             | Invalid weight",
      "weights set *=2                                               | default role '*'",
      "weights set eng=2 eng=3                                       | given twice",
      "weights set                                                   | Missing required parameter",
      "reserve --agent a1 --role eng cpus:0                          | must be positive",
      "reserve --agent a1 --role * cpus:1                            | default role '*'",
      "reserve --agent a1 --role eng ports:[9-1]                     | Invalid range '9-1'",
      "reserve --role eng cpus:1                                     | Missing required option: '--agent",
      "unreserve --agent a1 --role eng mem                           | Expected name:value",
      "explain                                                       | Missing required option: '--framework",
  })
  void badInputExits2WithAMessageAndSendsNothing(String commandLine, String message) {
    String[] words = (commandLine.trim() + " --master " + closedPort).split("\\s+");
    Cli cli = Cli.run(words);
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(2);
    assertThat(cli.err()).contains(message).doesNotContain("Cannot reach");
  }

  @Test
  void theMasterMustBeNamedOnce() {
    Cli neither = Cli.run("weights", "get");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("--cluster NAME or --master URL");
    Cli both = Cli.run("weights", "get", "--cluster", "demo", "--master", closedPort);
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("either --cluster or --master");
  }

  @Test
  void aBadZooKeeperUrlExits2NamingTheProblem() {
    Cli cli = Cli.run("weights", "get", "--master", "zk://u:hunter2@zk1:x/mezzo");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("Invalid --master", "port 'x'").doesNotContain("hunter2");
  }

  @Test
  void aMasterThatCannotBeReachedExits1() {
    Cli cli = Cli.run("weights", "get", "--master", closedPort);
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("Cannot reach the master at " + closedPort + "/api/v1");
  }

  @Test
  void resourceSpecsParseScalarsAndRanges() {
    List<Resource> parsed = ResourceSpec.parse("cpus:1.5; mem:512;ports:[31000-31009,32000-32000]");
    assertThat(parsed).extracting(Resource::getName).containsExactly("cpus", "mem", "ports");
    assertThat(parsed.get(0).getScalar().getValue()).isEqualTo(1.5);
    assertThat(parsed.get(2).getRanges().getRangeList()).containsExactly(
        Value.Range.newBuilder().setBegin(31000).setEnd(31009).build(),
        Value.Range.newBuilder().setBegin(32000).setEnd(32000).build());
    assertThat(ResourceSpec.scalars("cpus:2;mem:1024")).containsExactly(Map.entry("cpus", 2.0), Map.entry("mem", 1024.0));
    assertThatThrownBy(() -> ResourceSpec.parse(" ")).hasMessageContaining("Empty resources");
    assertThatThrownBy(() -> ResourceSpec.parse("ports:[1-2")).hasMessageContaining("Unclosed");
    assertThatThrownBy(() -> ResourceSpec.parse("9cpus:1")).hasMessageContaining("Invalid resource name");
  }
}
