package io.mezzo.agent.spi;

import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a runtime needs to launch one task.
 *
 * @param containerId unique per launch; the sandbox's run directory is named after it
 * @param frameworkId the task's framework
 * @param task the task as the framework sent it
 * @param sandbox the task's existing, empty sandbox directory (its working directory)
 * @param environment variables the agent sets for every task ({@code MESOS_SANDBOX},
 *     {@code MESOS_TASK_ID}, ...); they override the task's own {@code CommandInfo.environment}
 * @param frameworkUser {@code FrameworkInfo.user}, the user the task runs as when its
 *     {@code CommandInfo.user} names none; empty when unknown
 */
public record LaunchRequest(
    String containerId, FrameworkID frameworkId, TaskInfo task, Path sandbox, Map<String, String> environment,
    String frameworkUser) {
  public LaunchRequest {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(sandbox, "sandbox");
    environment = Map.copyOf(environment == null ? Map.of() : environment);
    frameworkUser = frameworkUser == null ? "" : frameworkUser.trim();
  }

  /** A request without a framework user (the task's {@code CommandInfo.user}, if any, still applies). */
  public LaunchRequest(String containerId, FrameworkID frameworkId, TaskInfo task, Path sandbox, Map<String, String> environment) {
    this(containerId, frameworkId, task, sandbox, environment, "");
  }

  /** The user the task asks to run as: {@code CommandInfo.user}, else the framework's; empty for none. */
  public String user() {
    String commandUser = task.hasCommand() ? task.getCommand().getUser().trim() : "";
    return commandUser.isEmpty() ? frameworkUser : commandUser;
  }
}
