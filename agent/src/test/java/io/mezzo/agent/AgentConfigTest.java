package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.agent.runtime.cgroups.CgroupsMode;
import io.mezzo.agent.support.MasterUrl;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static final Path WORK_DIR = Path.of("/var/lib/mezzo");

  @Test
  void onlyTheMasterAndTheWorkDirAreRequiredAndEverythingElseHasItsDefault() {
    AgentConfig config = AgentConfig.builder().master("http://m:5050").workDir(WORK_DIR).build();

    assertThat(config.master()).isEqualTo(MasterUrl.parse("http://m:5050"));
    assertThat(config.workDir()).isEqualTo(WORK_DIR);
    assertThat(config.ip()).isEqualTo("127.0.0.1");
    assertThat(config.hostname()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(5051);
    assertThat(config.resources()).isEmpty();
    assertThat(config.attributes()).isEmpty();
    assertThat(config.runtimes()).containsExactly("process");
    assertThat(config.executorRegistrationTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.cgroups()).isEqualTo(CgroupsMode.AUTO);
    assertThat(config.recover()).isEqualTo(RecoverMode.RECONNECT);
    assertThat(config.logMaxSize()).isEqualTo(10L * 1024 * 1024);
    assertThat(config.logMaxFiles()).isEqualTo(5);
    assertThat(config.ociRuntime()).isNull();
  }

  @Test
  void buildNamesTheMissingRequiredOption() {
    assertThatThrownBy(() -> AgentConfig.builder().workDir(WORK_DIR).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("master");
    assertThatThrownBy(() -> AgentConfig.builder().master("http://m:5050").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("work dir");
  }

  @Test
  void buildRejectsBadValuesNamingThem() {
    AgentConfig.Builder builder = AgentConfig.builder().master("http://m:5050").workDir(WORK_DIR);

    assertThatThrownBy(() -> builder.port(70000).build()).hasMessageContaining("Bad port 70000");
    assertThatThrownBy(() -> builder.port(0).runtimes("lxc").build()).hasMessageContaining("Unsupported runtime 'lxc'");
    assertThatThrownBy(() -> builder.runtimes("process").executorRegistrationTimeout(Duration.ZERO).build())
        .hasMessageContaining("executor registration timeout must be positive");
    assertThatThrownBy(() -> builder.executorRegistrationTimeout(Duration.ofSeconds(1)).logRotation(0, 5).build())
        .hasMessageContaining("log size cap must be positive");
    assertThatThrownBy(() -> builder.logRotation(1024, 0).build()).hasMessageContaining("At least one rotated log file");
  }

  @Test
  void toBuilderKeepsEveryOptionAndChangesOnlyWhatIsSet() {
    AgentConfig config = AgentConfig.builder().master("zk://zk1:2181/mezzo").workDir(WORK_DIR)
        .ip("10.0.0.5").hostname("agent-1").port(0).runtimes("process", "oci")
        .executorRegistrationTimeout(Duration.ofSeconds(90)).cgroups(CgroupsMode.OFF).recover(RecoverMode.CLEANUP)
        .logRotation(1024, 2).ociRuntime(Path.of("/usr/bin/crun"))
        .build();

    AgentConfig changed = config.toBuilder().port(5052).build();

    assertThat(changed.port()).isEqualTo(5052);
    assertThat(changed.master()).isEqualTo(config.master());
    assertThat(changed.ip()).isEqualTo("10.0.0.5");
    assertThat(changed.hostname()).isEqualTo("agent-1");
    assertThat(changed.runtimes()).containsExactly("process", "oci");
    assertThat(changed.executorRegistrationTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(changed.cgroups()).isEqualTo(CgroupsMode.OFF);
    assertThat(changed.recover()).isEqualTo(RecoverMode.CLEANUP);
    assertThat(changed.logMaxSize()).isEqualTo(1024);
    assertThat(changed.logMaxFiles()).isEqualTo(2);
    assertThat(changed.ociRuntime()).isEqualTo(Path.of("/usr/bin/crun"));
  }
}
