package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The allocator's master flags: parsed into MasterConfig, and bad values refused with exit code 2 before anything starts. */
class MasterFlagsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--min-allocatable-resources=cpus        | not name:quantity",
      "--min-allocatable-resources=cpus:lots   | not a number",
      "--offer-timeout=soon                    | is not a duration",
      "--allocator=random                      | Unknown allocator 'random'",
      "--offer-history=-1                      | offer history must be 0..1000000 events, got -1",
      "--offer-history=lots                    | Invalid value for option '--offer-history'",
      "--authenticate-http-frameworks          | needs credentials (--credentials)",
      "--credentials=/nonexistent/creds.json   | Cannot read the credentials file /nonexistent/creds.json",
      "--zk-session-timeout=soon               | is not a duration",
      "--zk-session-timeout=0secs              | ZooKeeper session timeout must be at least 1ms",
      "--agent-ping-timeout=0secs              | agent ping timeout must be positive",
      "--max-agent-ping-timeouts=0             | max agent ping timeouts must be at least 1",
      "--agent-removal-timeout=soon            | is not a duration",
      "--ca-cert=pom.xml                       | --ca-cert needs --tls-cert and --tls-key",
      "--tls-key=pom.xml                       | --tls-cert and --tls-key go together",
      "--tls-cert=/no/cert.pem                 | --tls-cert and --tls-key go together",
  })
  void badAllocatorFlagsExitWithCodeTwo(String flag, String message) {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new MasterMain()).setErr(new PrintWriter(err))
        .execute("--zk=zk://127.0.0.1:1/mezzo", flag.trim());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "zk://127.0.0.1:1        | no path after the hosts",
      "zk://127.0.0.1:1/       | the path must name a node below the root",
      "zk://127.0.0.1:x/mezzo  | port 'x'",
      "zk://u@127.0.0.1/mezzo  | must be user:password",
      "http://127.0.0.1/mezzo  | is not a ZooKeeper URL",
  })
  void badZooKeeperUrlsExitWithCodeTwo(String zk, String message) {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new MasterMain()).setErr(new PrintWriter(err)).execute("--zk=" + zk.trim());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  @Test
  void theSessionTimeoutDefaultsToMesossTenSecondsAndTakesMesosDurations() {
    assertThat(MasterConfig.builder().zk("zk://h:2181/m").build().zkSessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    MasterMain main = new MasterMain();
    new CommandLine(main).parseArgs("--zk=zk://h:2181/m", "--zk-session-timeout=2secs");
    assertThat(main.zkSessionTimeout).isEqualTo(Duration.ofSeconds(2));
    assertThat(MasterFlags.of(MasterConfig.builder().zk("zk://h:2181/m").zkSessionTimeout(Duration.ofMillis(1500))
        .build())).containsEntry("zk-session-timeout", "1500ms");
  }

  @Test
  void theAgentHealthFlagsHaveMesosDefaultsAndShowInGetFlags() {
    MasterConfig defaults = MasterConfig.builder().zk("zk://h:2181/m").build();
    assertThat(MasterFlags.of(defaults)).containsEntry("agent-ping-timeout", "15secs")
        .containsEntry("max-agent-ping-timeouts", "5").containsEntry("agent-removal-timeout", "2weeks");
    MasterConfig set = MasterConfig.builder().zk("zk://h:2181/m").agentPingTimeout(Duration.ofSeconds(2))
        .maxAgentPingTimeouts(3).agentRemovalTimeout(Duration.ofMinutes(5)).build();
    assertThat(MasterFlags.of(set)).containsEntry("agent-ping-timeout", "2secs")
        .containsEntry("max-agent-ping-timeouts", "3").containsEntry("agent-removal-timeout", "5mins");
  }

  @Test
  void theNewFlagsReachTheConfig() {
    MasterConfig set = MasterConfig.builder().zk("zk://h:2181/m").offerTimeout(Duration.ofSeconds(30))
        .minAllocatableResources("cpus:1;mem:64").build();
    assertThat(set.offerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(MasterVerticle.allocator(set.allocator(), set.minAllocatableResources())).isNotNull();
  }
}
