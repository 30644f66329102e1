package io.mezzo.cli.framework;

import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import java.util.List;
import java.util.Objects;

/**
 * What each task of a CLI framework runs: a command with its cpus and memory, in a runtime
 * ({@code process}, or {@code docker}/{@code oci} with an image).
 *
 * <p>The command is a list of words, as {@code docker run} takes them: one word is a shell
 * command ({@code sh -c WORD}, so {@code 'echo a; exit 3'} works); several words are an argv run
 * without a shell, each word one argument exactly as given (no word splitting, no {@code $HOME}).
 *
 * @param command one shell command, or an argv of several words
 * @param image a Docker image name, or for {@code oci} also a rootfs path on the agent; null for {@code process}
 */
public record TaskTemplate(List<String> command, double cpus, double mem, String runtime, String image) {
  public static final List<String> RUNTIMES = List.of("process", "docker", "oci");

  /** @throws IllegalArgumentException naming what is wrong */
  public TaskTemplate {
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException(command.size() > 1
          ? "The command's first word names the program and must not be empty" : "The command must not be empty");
    }
    if (!(cpus > 0) || Double.isInfinite(cpus) || !(mem > 0) || Double.isInfinite(mem)) {
      throw new IllegalArgumentException("cpus and mem per task must be positive, got cpus=" + cpus + " mem=" + mem);
    }
    if (!RUNTIMES.contains(runtime)) {
      throw new IllegalArgumentException("The runtime must be one of " + RUNTIMES + ", got '" + runtime + "'");
    }
    if (runtime.equals("process") != (image == null)) {
      throw new IllegalArgumentException(runtime.equals("process")
          ? "An image goes with the docker or oci runtime" : "The " + runtime + " runtime needs an image");
    }
  }

  /** A shell command in the {@code process} runtime. */
  public static TaskTemplate shell(String command, double cpus, double mem) {
    return new TaskTemplate(List.of(command), cpus, mem, "process", null);
  }

  /**
   * The task's command. As an argv, {@code value} is the program and the arguments are the
   * words: the Mesos command executor (our {@code process} and {@code oci} runtimes) execs
   * {@code value} with {@code arguments} as its argv, {@code arguments[0]} being argv[0]. The
   * Mesos docker containerizer instead runs {@code value} followed by every argument, so for
   * {@code docker} the arguments leave the program's name out (or it would be passed twice).
   */
  CommandInfo commandInfo() {
    if (command.size() == 1) {
      return CommandInfo.newBuilder().setShell(true).setValue(command.get(0)).build();
    }
    return CommandInfo.newBuilder().setShell(false).setValue(command.get(0))
        .addAllArguments(runtime.equals("docker") ? command.subList(1, command.size()) : command)
        .build();
  }

  /** How many tasks fit in the offer: 0 when its agent lacks the runtime ({@code process} is everywhere). */
  int fitCount(Offer offer) {
    return runsOn(offer) ? ScalarResources.of(offer).fitCount(perTask()) : 0;
  }

  /** The agent's {@code runtimes} attribute names the runtime asked for. */
  private boolean runsOn(Offer offer) {
    return runtime.equals("process") || offer.getAttributesList().stream()
        .anyMatch(a -> a.getName().equals("runtimes") && List.of(a.getText().getValue().split(",")).contains(runtime));
  }

  /** One task on the offer's agent, with the offer's own resources (role and reservation) for cpus and mem. */
  TaskInfo task(String id, String name, Offer offer) {
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName(Objects.requireNonNull(name, "name"))
        .setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(offer.getAgentId())
        .addAllResources(Resources.allocatedAs(offer, perTask().toResources()))
        .setCommand(commandInfo());
    if (runtime.equals("docker")) {
      task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
          .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)));
    } else if (runtime.equals("oci")) {
      // As Mesos's unified containerizer: type MESOS with an image.
      task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
          .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
              .setDocker(Image.Docker.newBuilder().setName(image)))));
    }
    return task.build();
  }

  private ScalarResources perTask() {
    return ScalarResources.of(Resources.cpus(cpus), Resources.mem(mem));
  }
}
