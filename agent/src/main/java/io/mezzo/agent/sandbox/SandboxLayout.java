package io.mezzo.agent.sandbox;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where sandboxes live, in the Mesos layout:
 * {@code <work-dir>/frameworks/<framework_id>/executors/<executor_id>/runs/<container_id>/},
 * with a {@code latest} symlink in {@code runs/} to the newest run. For command tasks the
 * executor id is the task id, as with Mesos's command executor.
 */
public final class SandboxLayout {
  public static final String FRAMEWORKS = "frameworks";
  public static final String LATEST = "latest";

  private final Path workDir;
  private final Path frameworks;

  public SandboxLayout(Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
    this.frameworks = this.workDir.resolve(FRAMEWORKS);
  }

  public Path workDir() {
    return workDir;
  }

  public Path frameworksDir() {
    return frameworks;
  }

  /** The run directory of one container; every id is checked before it becomes a path component. */
  public Path runDir(String frameworkId, String executorId, String containerId) {
    return runsDir(frameworkId, executorId).resolve(SafeId.check("container id", containerId));
  }

  /**
   * Creates the run directory and points {@code runs/latest} at it. Blocking (disk).
   *
   * @throws InvalidIdException when an id must not be a path component
   * @throws IOException when the directories or the link cannot be created
   */
  public Path createRun(String frameworkId, String executorId, String containerId) throws IOException {
    Path run = runDir(frameworkId, executorId, containerId);
    if (!run.normalize().startsWith(frameworks)) {
      throw new InvalidIdException("Sandbox " + run + " would be outside " + frameworks);
    }
    Files.createDirectories(run);
    Path runs = run.getParent();
    // A unique temporary name: the tasks of a group create the same run concurrently.
    Path temp = runs.resolve("." + LATEST + "." + containerId + "." + java.util.UUID.randomUUID());
    Files.createSymbolicLink(temp, Path.of(containerId));
    try {
      Files.move(temp, runs.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, runs.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING);
    }
    return run;
  }

  /** The files API path of a task's latest run: {@code /frameworks/<fid>/executors/<eid>/runs/latest}. */
  public static String virtualLatestPath(String frameworkId, String executorId) {
    return "/" + FRAMEWORKS + "/" + frameworkId + "/executors/" + executorId + "/runs/" + LATEST;
  }

  private Path runsDir(String frameworkId, String executorId) {
    return frameworks
        .resolve(SafeId.check("framework id", frameworkId))
        .resolve("executors")
        .resolve(SafeId.check("executor id", executorId))
        .resolve("runs");
  }
}
