package io.mezzo.examples.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.FrameworkInfo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line; running against a cluster is the lead's end-to-end test. */
class BatchFrameworkTest {

  @Test
  void badArgumentsExitWithTwo() {
    assertThat(BatchFramework.run("--tasks", "3")).as("missing --cmd").isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--tasks", "0")).isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--cpus", "-1")).isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--mem", "abc")).isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--timeout", "0")).isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--master", "ftp://nowhere")).isEqualTo(2);
    assertThat(BatchFramework.run("--cmd", "echo hi", "--cluster", "Not_A_Cluster")).isEqualTo(2);
  }

  @Test
  void defaultsMatchTheDocumentation() {
    BatchFramework framework = new BatchFramework();
    new CommandLine(framework).parseArgs("--cmd", "echo hi");
    assertThat(framework.tasks).isEqualTo(20);
    assertThat(framework.cpus).isEqualTo(0.1);
    assertThat(framework.mem).isEqualTo(32.0);
    assertThat(framework.role).isEqualTo("*");
    assertThat(framework.name).isEqualTo("batch");
    assertThat(framework.timeoutSeconds).isEqualTo(300);
    String env = System.getenv("MEZZO_MASTER");
    assertThat(framework.master).isEqualTo(env != null ? env : "zk://127.0.0.1:2181/mezzo");

    FrameworkInfo info = framework.frameworkInfo();
    assertThat(info.getName()).isEqualTo("batch");
    assertThat(info.getRolesList()).containsExactly("*");
    assertThat(info.getCapabilitiesList()).extracting(FrameworkInfo.Capability::getType)
        .containsExactly(FrameworkInfo.Capability.Type.MULTI_ROLE);
  }
}
