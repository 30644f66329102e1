package io.mezzo.master.state;

import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Environment;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.HealthCheck;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.Parameter;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Volume;
import java.util.Optional;

/**
 * Caps on what a task or executor asks to run: its command, environment, URIs, container,
 * health check and opaque data. The master keeps every launched TaskInfo and ExecutorInfo, sends
 * them to the agent and serves them on {@code /state}, so each field has a bound, chosen so that a
 * LAUNCH of many ordinary tasks still fits in one 4 MB call. A task over one gets TASK_ERROR
 * naming the field and the limit (as Mesos answers invalid tasks), the call itself {@code 202}.
 * Listed in docs/operations.md, "Limits". Pure.
 */
final class LaunchLimits {
  /** {@code CommandInfo.value}, each argument, a health check's command. */
  static final int COMMAND_BYTES = 64 * 1024;
  /** Arguments of one command. */
  static final int ARGUMENTS = 1024;
  /** Environment variables of one command. */
  static final int VARIABLES = 1024;
  /** An environment variable's value. */
  static final int VARIABLE_VALUE_BYTES = 32 * 1024;
  /** URIs one command fetches. */
  static final int URIS = 256;
  /** A URI, a file or volume path, an HTTP health check's path (Linux's PATH_MAX). */
  static final int PATH_BYTES = 4096;
  /** Volumes of one container; docker parameters of one container. */
  static final int VOLUMES = 256;
  static final int PARAMETERS = 256;
  /** {@code TaskInfo.data} and {@code ExecutorInfo.data}: Mesos has no limit, the call is capped at 4 MB. */
  static final int DATA_BYTES = 512 * 1024;

  private LaunchLimits() {}

  static Optional<String> task(TaskInfo task) {
    return first(
        task.hasCommand() ? command("command", task.getCommand()) : Optional.empty(),
        task.hasContainer() ? container("container", task.getContainer()) : Optional.empty(),
        task.hasHealthCheck() ? healthCheck("health_check", task.getHealthCheck()) : Optional.empty(),
        data("data", task.getData()));
  }

  static Optional<String> executor(String field, ExecutorInfo executor) {
    return first(
        executor.hasCommand() ? command(field + ".command", executor.getCommand()) : Optional.empty(),
        executor.hasContainer() ? container(field + ".container", executor.getContainer()) : Optional.empty(),
        data(field + ".data", executor.getData()));
  }

  static Optional<String> command(String field, CommandInfo command) {
    Optional<String> bad = first(
        TextLimits.check(field + ".value", command.getValue(), COMMAND_BYTES),
        TextLimits.check(field + ".user", command.getUser(), TextLimits.NAME_BYTES),
        TextLimits.checkCount(field + ".arguments", command.getArgumentsCount(), ARGUMENTS),
        TextLimits.checkCount(field + ".uris", command.getUrisCount(), URIS),
        environment(field + ".environment", command.getEnvironment()));
    for (int i = 0; bad.isEmpty() && i < command.getArgumentsCount(); i++) {
      bad = TextLimits.check(field + ".arguments[" + i + "]", command.getArguments(i), COMMAND_BYTES);
    }
    for (int i = 0; bad.isEmpty() && i < command.getUrisCount(); i++) {
      CommandInfo.URI uri = command.getUris(i);
      bad = first(TextLimits.check(field + ".uris[" + i + "].value", uri.getValue(), PATH_BYTES),
          TextLimits.check(field + ".uris[" + i + "].output_file", uri.getOutputFile(), PATH_BYTES));
    }
    return bad;
  }

  private static Optional<String> environment(String field, Environment environment) {
    Optional<String> bad = TextLimits.checkCount(field + ".variables", environment.getVariablesCount(), VARIABLES);
    for (int i = 0; bad.isEmpty() && i < environment.getVariablesCount(); i++) {
      Environment.Variable variable = environment.getVariables(i);
      bad = first(TextLimits.check(field + ".variables[" + i + "].name", variable.getName(), TextLimits.NAME_BYTES),
          TextLimits.check(field + ".variables[" + i + "].value", variable.getValue(), VARIABLE_VALUE_BYTES));
    }
    return bad;
  }

  static Optional<String> container(String field, ContainerInfo container) {
    Optional<String> bad = first(
        TextLimits.check(field + ".hostname", container.getHostname(), TextLimits.NAME_BYTES),
        TextLimits.checkCount(field + ".volumes", container.getVolumesCount(), VOLUMES),
        container.hasDocker() ? TextLimits.check(field + ".docker.image", container.getDocker().getImage(),
            TextLimits.NAME_BYTES) : Optional.empty(),
        TextLimits.checkCount(field + ".docker.parameters", container.getDocker().getParametersCount(), PARAMETERS),
        container.getMesos().hasImage() ? image(field + ".mesos.image", container.getMesos().getImage())
            : Optional.empty());
    for (int i = 0; bad.isEmpty() && i < container.getVolumesCount(); i++) {
      Volume volume = container.getVolumes(i);
      String name = field + ".volumes[" + i + "]";
      bad = first(TextLimits.check(name + ".container_path", volume.getContainerPath(), PATH_BYTES),
          TextLimits.check(name + ".host_path", volume.getHostPath(), PATH_BYTES),
          volume.hasImage() ? image(name + ".image", volume.getImage()) : Optional.empty());
    }
    for (int i = 0; bad.isEmpty() && i < container.getDocker().getParametersCount(); i++) {
      Parameter parameter = container.getDocker().getParameters(i);
      String name = field + ".docker.parameters[" + i + "]";
      bad = first(TextLimits.check(name + ".key", parameter.getKey(), TextLimits.NAME_BYTES),
          TextLimits.check(name + ".value", parameter.getValue(), TextLimits.VALUE_BYTES));
    }
    return bad;
  }

  private static Optional<String> image(String field, Image image) {
    return first(
        image.hasDocker() ? TextLimits.check(field + ".docker.name", image.getDocker().getName(), TextLimits.NAME_BYTES)
            : Optional.empty(),
        image.hasAppc() ? first(TextLimits.check(field + ".appc.name", image.getAppc().getName(), TextLimits.NAME_BYTES),
            TextLimits.check(field + ".appc.id", image.getAppc().getId(), TextLimits.NAME_BYTES),
            TextLimits.labels(field + ".appc.labels", image.getAppc().getLabels())) : Optional.empty());
  }

  static Optional<String> healthCheck(String field, HealthCheck check) {
    return first(
        check.hasCommand() ? command(field + ".command", check.getCommand()) : Optional.empty(),
        check.hasHttp() ? first(TextLimits.check(field + ".http.path", check.getHttp().getPath(), PATH_BYTES),
            TextLimits.check(field + ".http.scheme", check.getHttp().getScheme(), TextLimits.NAME_BYTES))
            : Optional.empty());
  }

  private static Optional<String> data(String field, ByteString data) {
    return data.size() <= DATA_BYTES ? Optional.empty()
        : Optional.of("'" + field + "' is " + data.size() + " bytes long, over the limit of " + DATA_BYTES + " bytes");
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... checks) {
    for (Optional<String> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
