package io.mezzo.agent.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.sandbox.SafeId;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's checkpoints, in the Mesos agent's spirit:
 * {@code <work-dir>/meta/frameworks/<framework_id>/tasks/<task_id>/task} (what the task is and
 * where its container runs) and {@code .../updates} (its status updates not yet acknowledged).
 * Each file is a serialized protobuf replaced atomically (written to a temporary file, then
 * renamed), so a reader sees the old or the new version, never half of one, even after
 * kill -9. Custom executors have {@code .../executors/<executor_id>/executor}. Files are not fsync'ed: they survive the agent's death, not the machine's.
 *
 * <p>Every method but {@link #inOrder} blocks (disk); the agent calls them through
 * {@link #inOrder}, off its event loop and in order.
 */
public final class CheckpointStore {
  public static final String META = "meta";
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
  private static final String TASK = "task";
  private static final String UPDATES = "updates";
  private static final String EXECUTOR = "executor";

  private final Path frameworks;

  /** Checkpoints under {@code <workDir>/meta}. */
  public CheckpointStore(Path workDir) {
    this.frameworks = workDir.toAbsolutePath().normalize().resolve(META).resolve("frameworks");
  }

  /** Work on the store. */
  @FunctionalInterface
  public interface Action {
    void run(CheckpointStore store) throws IOException;
  }

  /**
   * Runs {@code action} off {@code context}'s event loop, after every action asked for before it
   * on that context (Vert.x's ordered executeBlocking), so that checkpoints land in the order the
   * agent made them; a failure is logged as failing to {@code what}.
   */
  public void inOrder(io.vertx.core.Context context, String what, Action action) {
    context.<Void>executeBlocking(() -> {
      action.run(this);
      return null;
    }, true).onFailure(e -> log.error("Could not {}: {}", what, e.toString()));
  }

  /** What one task left behind; either part may be missing (null). */
  public record Recovered(String frameworkId, String taskId, CheckpointedTask task, CheckpointedUpdates updates) {}

  /** Everything an earlier run of the agent checkpointed: its tasks and its custom executors. */
  public record Checkpointed(List<Recovered> tasks, List<CheckpointedExecutor> executors) {
    public Checkpointed {
      tasks = List.copyOf(tasks);
      executors = List.copyOf(executors);
    }

    public boolean isEmpty() {
      return tasks.isEmpty() && executors.isEmpty();
    }
  }

  /** {@link #load()} and {@link #loadExecutors()}. */
  public Checkpointed loadAll() throws IOException {
    return new Checkpointed(load(), loadExecutors());
  }

  public void writeTask(CheckpointedTask task) throws IOException {
    write(dir(task.getFrameworkId().getValue(), task.getTask().getTaskId().getValue()).resolve(TASK), task);
  }

  public void writeUpdates(String frameworkId, String taskId, CheckpointedUpdates updates) throws IOException {
    write(dir(frameworkId, taskId).resolve(UPDATES), updates);
  }

  public void writeExecutor(CheckpointedExecutor executor) throws IOException {
    write(executorDir(executor.getFrameworkId().getValue(), executor.getExecutor().getExecutorId().getValue())
        .resolve(EXECUTOR), executor);
  }

  /** Forgets an executor (its tasks' checkpoints stay until their terminal updates are acknowledged). */
  public void removeExecutor(String frameworkId, String executorId) throws IOException {
    Path dir = executorDir(frameworkId, executorId);
    FileTrees.delete(dir);
    removeIfEmpty(dir.getParent());
  }

  /** Every custom executor checkpointed; unreadable ones are logged and skipped. */
  public List<CheckpointedExecutor> loadExecutors() throws IOException {
    List<CheckpointedExecutor> recovered = new ArrayList<>();
    if (!Files.isDirectory(frameworks)) {
      return recovered;
    }
    try (DirectoryStream<Path> frameworkDirs = Files.newDirectoryStream(frameworks)) {
      for (Path frameworkDir : frameworkDirs) {
        Path executors = frameworkDir.resolve("executors");
        if (!Files.isDirectory(executors)) {
          continue;
        }
        try (Stream<Path> dirs = Files.list(executors)) {
          for (Path dir : dirs.toList()) {
            CheckpointedExecutor executor = read(dir.resolve(EXECUTOR), CheckpointedExecutor.parser());
            if (executor != null) {
              recovered.add(executor);
            }
          }
        }
      }
    }
    return recovered;
  }

  /** Forgets a task: its directory goes (and its framework's, once empty). */
  public void remove(String frameworkId, String taskId) throws IOException {
    Path dir = dir(frameworkId, taskId);
    FileTrees.delete(dir);
    removeIfEmpty(dir.getParent());
  }

  /**
   * Every task checkpointed, oldest directory first. A file that cannot be parsed is logged
   * and treated as missing; a directory whose name is not a safe id is skipped.
   */
  public List<Recovered> load() throws IOException {
    List<Recovered> recovered = new ArrayList<>();
    if (!Files.isDirectory(frameworks)) {
      return recovered;
    }
    try (DirectoryStream<Path> frameworkDirs = Files.newDirectoryStream(frameworks)) {
      for (Path frameworkDir : frameworkDirs) {
        Path tasks = frameworkDir.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
          continue;
        }
        try (Stream<Path> taskDirs = Files.list(tasks)) {
          for (Path taskDir : taskDirs.sorted(Comparator.comparing(CheckpointStore::modified)).toList()) {
            String frameworkId = frameworkDir.getFileName().toString();
            String taskId = taskDir.getFileName().toString();
            CheckpointedTask task = read(taskDir.resolve(TASK), CheckpointedTask.parser());
            CheckpointedUpdates updates = read(taskDir.resolve(UPDATES), CheckpointedUpdates.parser());
            if (task != null || updates != null) {
              recovered.add(new Recovered(frameworkId, taskId, task, updates));
            }
          }
        }
      }
    }
    return recovered;
  }

  private Path dir(String frameworkId, String taskId) {
    return frameworks.resolve(SafeId.check("framework id", frameworkId))
        .resolve("tasks").resolve(SafeId.check("task id", taskId));
  }

  /** Removes {@code dir} and then its parent (the framework's directory) when they are empty. */
  private static void removeIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
      Files.deleteIfExists(dir.getParent());
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // Other tasks or executors of the framework are still checkpointed.
    }
  }

  private Path executorDir(String frameworkId, String executorId) {
    return frameworks.resolve(SafeId.check("framework id", frameworkId))
        .resolve("executors").resolve(SafeId.check("executor id", executorId));
  }

  private static void write(Path file, MessageLite message) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(temp, message.toByteArray());
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static <T> T read(Path file, com.google.protobuf.Parser<T> parser) throws IOException {
    try {
      return parser.parseFrom(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return null;
    } catch (InvalidProtocolBufferException e) {
      log.error("Ignoring the unreadable checkpoint {}: {}", file, e.getMessage());
      return null;
    }
  }

  private static long modified(Path dir) {
    try {
      return Files.getLastModifiedTime(dir).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

}
