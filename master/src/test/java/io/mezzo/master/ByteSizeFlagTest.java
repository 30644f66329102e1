package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.api.ApiLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The size flags of the master's limits: Mesos byte syntax, defaults, and refusals. */
class ByteSizeFlagTest {

  @Test
  void sizesInMesosSyntax() {
    ByteSizeFlag flag = new ByteSizeFlag();
    assertThat(flag.convert("1048576")).isEqualTo(1048576L);
    assertThat(flag.convert("512B")).isEqualTo(512L);
    assertThat(flag.convert("64KB")).isEqualTo(65536L);
    assertThat(flag.convert("4MB")).isEqualTo(4L * 1024 * 1024);
    assertThat(flag.convert("2gb")).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThatThrownBy(() -> flag.convert("0")).hasMessageContaining("not a positive size");
    assertThatThrownBy(() -> flag.convert("lots")).hasMessageContaining("is not a size");
    assertThatThrownBy(() -> flag.convert("1.5MB")).hasMessageContaining("is not a size");
  }

  @Test
  void theLimitFlagsReachTheConfigWithTheirDefaults() {
    MasterMain main = new MasterMain();
    new CommandLine(main).parseArgs("--zk=zk://h:2181/m", "--max-call-body-bytes=2MB", "--max-stream-queue-bytes=1MB");

    ApiLimits limits = main.limits();
    assertThat(limits.callBodyBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(limits.streamQueueBytes()).isEqualTo(1024L * 1024);
    assertThat(limits.operatorBodyBytes()).isEqualTo(ApiLimits.DEFAULT_OPERATOR_BODY_BYTES);
    assertThat(limits.inflightBodyBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(limits.bodyReadTimeout()).isEqualTo(ApiLimits.DEFAULT_BODY_READ_TIMEOUT);
  }

  @Test
  void theBodyReadTimeoutFlagReachesTheLimits() {
    MasterMain main = new MasterMain();
    new CommandLine(main).parseArgs("--zk=zk://h:2181/m", "--body-read-timeout=1500ms");

    assertThat(main.limits().bodyReadTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
    assertThatThrownBy(() -> ApiLimits.defaults().withBodyReadTimeout(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body read timeout must be at least 1 ms");
  }

  @Test
  void aBadSizeExitsWithCodeTwo() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new MasterMain()).setErr(new PrintWriter(err))
        .execute("--zk=zk://127.0.0.1:1/mezzo", "--max-inflight-body-bytes=much");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("is not a size");
  }

  @Test
  void limitsRefuseNonPositiveSizes() {
    assertThatThrownBy(() -> ApiLimits.defaults().withCallBodyBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("call body bytes must be positive");
    assertThatThrownBy(() -> ApiLimits.defaults().withStreamQueueBytes(4L * 1024 * 1024 * 1024))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream queue bytes must be at most");
  }
}
