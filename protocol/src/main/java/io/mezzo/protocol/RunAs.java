package io.mezzo.protocol;

import io.mezzo.v1.Protos.CommandInfo;

/**
 * The OS user a task or executor runs as, by Mesos's rule: its command's {@code user} when set and
 * not empty, else its framework's ({@code FrameworkInfo.user}). ACLs name this user as the object
 * of {@code run_tasks}, {@code view_tasks}, {@code view_executors} and {@code access_sandboxes}.
 */
public final class RunAs {
  private RunAs() {}

  /**
   * @param command the task's or executor's command; null when it has none
   * @param frameworkUser the framework's user; null is taken as empty
   */
  public static String user(CommandInfo command, String frameworkUser) {
    if (command != null && command.hasUser() && !command.getUser().isEmpty()) {
      return command.getUser();
    }
    return frameworkUser == null ? "" : frameworkUser;
  }
}
