package io.mezzo.agent.files;

import java.util.Optional;

/**
 * Whose sandbox a files API path is in, from its place in the layout
 * {@code frameworks/<framework_id>/executors/<executor_id>/…}: an executor's (for a command task,
 * the executor id is the task id), only a framework's (its directory, which lists its executors'
 * ids), or none ({@code frameworks/} itself, which lists framework ids).
 *
 * @param frameworkId null above every framework's directory
 * @param executorId null above every executor's directory
 */
public record SandboxId(String frameworkId, String executorId) {
  /** {@code frameworks/} itself. */
  public static final SandboxId NONE = new SandboxId(null, null);

  public Optional<String> framework() {
    return Optional.ofNullable(frameworkId);
  }

  public Optional<String> executor() {
    return Optional.ofNullable(executorId);
  }

  @Override
  public String toString() {
    if (frameworkId == null) {
      return "the sandboxes' root";
    }
    return executorId == null ? "framework '" + frameworkId + "'"
        : "executor '" + executorId + "' of framework '" + frameworkId + "'";
  }
}
