package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cluster create}'s flags for the masters are checked before anything starts. */
class CreateFlagsTest {

  @Test
  void aSessionTimeoutThatIsNotADurationExitsWithCodeTwo() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new CreateCommand()).setErr(new PrintWriter(err))
        .execute("--name", "never-started", "--zk-session-timeout", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--zk-session-timeout: ").contains("soon");
  }
}
