package io.mezzo.cli.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One word after {@code --} is a shell command; several are an argv, each word kept as given. */
class TaskTemplateTest {
  private static final Offer OFFER = Offer.newBuilder().setId(OfferID.newBuilder().setValue("o"))
      .setFrameworkId(FrameworkID.newBuilder().setValue("f")).setAgentId(AgentID.newBuilder().setValue("a"))
      .setHostname("h").build();

  @Test
  void oneWordIsAShellCommand() {
    CommandInfo command = template(List.of("echo a; exit 3"), "process").commandInfo();
    assertThat(command.getShell()).isTrue();
    assertThat(command.getValue()).isEqualTo("echo a; exit 3");
    assertThat(command.getArgumentsList()).isEmpty();
  }

  @Test
  void severalWordsAreAnArgvWithoutAShell() {
    TaskInfo task = template(List.of("echo", "a  b", "$HOME"), "process").task("t", "t", OFFER);
    assertThat(task.getCommand().getShell()).isFalse();
    assertThat(task.getCommand().getValue()).isEqualTo("echo");
    assertThat(task.getCommand().getArgumentsList()).containsExactly("echo", "a  b", "$HOME");
    // What the agent's process runtime (and the oci runtime, which shares it) will exec.
    assertThat(ProcessRuntime.argv(task)).containsExactly("echo", "a  b", "$HOME");
  }

  @Test
  void shDashCKeepsItsScriptAsOneArgument() {
    TaskInfo task = template(List.of("sh", "-c", "exit 3"), "oci").task("t", "t", OFFER);
    assertThat(ProcessRuntime.argv(task)).containsExactly("sh", "-c", "exit 3");
  }

  @Test
  void dockerGetsTheArgumentsAfterTheProgram() {
    // The Mesos docker containerizer runs value followed by every argument.
    CommandInfo command = template(List.of("echo", "a  b"), "docker").commandInfo();
    assertThat(command.getShell()).isFalse();
    assertThat(command.getValue()).isEqualTo("echo");
    assertThat(command.getArgumentsList()).containsExactly("a  b");
  }

  @Test
  void anEmptyProgramIsRefused() {
    assertThatThrownBy(() -> template(List.of(), "process")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> template(List.of("", "x"), "process")).hasMessageContaining("first word");
  }

  private static TaskTemplate template(List<String> words, String runtime) {
    return new TaskTemplate(words, 0.1, 32, runtime, runtime.equals("process") ? null : "img");
  }
}
