package io.mezzo.agent.tasks;

import com.google.protobuf.ByteString;
import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.checkpoint.RecoverMode;
import io.mezzo.protocol.internal.AgentChannel.RunningTask;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.KillPolicy;
import io.mezzo.v1.Protos.TaskGroupInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Where an agent's tasks run: the command tasks the agent runs itself ({@link TaskSupervisor})
 * or the tasks of custom executors ({@code ExecutorRegistry}). The agent gives new work to the
 * first host that {@linkplain #accepts accepts} it, and every later event about a task or an
 * executor to the first host that {@linkplain #hasTask has the task} or
 * {@linkplain #hasExecutor has the executor}; an event no host owns is logged and dropped by the
 * agent. A host turns what happens to its tasks into status updates through the agent's
 * status-update manager.
 *
 * <p>Threading: every method is called on the agent's context (its event loop), and a host
 * calls back (timers, runtime results) only there; no method blocks, and blocking work runs in
 * {@code executeBlocking}. Methods that change state are only called for what the host owns
 * ({@link #hasTask}/{@link #hasExecutor} true, or {@link #accepts} true for new work), except
 * {@link #shutdownFramework}, {@link #forget} and {@link #pendingChanged}, which every host is
 * told and which do nothing for what a host does not have.
 *
 * <p>Failure: a task that cannot run (bad ids, unknown runtime, launch failure) does not fail
 * the call: it ends with TASK_ERROR or TASK_FAILED and a reason. Repeated events are harmless: a
 * run of a task the host already has, a kill of a task already ending or ended, a second
 * shutdown are logged and ignored.
 */
public interface TaskHost {

  /** Whether RUN_TASK of {@code task} is this host's to run (decided by the TaskInfo alone). */
  boolean accepts(TaskInfo task);

  /** Whether RUN_TASK_GROUP for {@code executor} is this host's to run (decided by the ExecutorInfo alone). */
  boolean acceptsGroup(ExecutorInfo executor);

  /** Whether the host tracks the task: from its run until its terminal update is acknowledged. */
  boolean hasTask(FrameworkID frameworkId, TaskID taskId);

  /** Whether the host runs (or stands in for) the executor. */
  boolean hasExecutor(FrameworkID frameworkId, ExecutorID executorId);

  /** RUN_TASK of a task it {@linkplain #accepts accepts}. */
  void run(FrameworkID frameworkId, FrameworkInfo frameworkInfo, TaskInfo task);

  /** RUN_TASK_GROUP for an executor whose groups it {@linkplain #acceptsGroup accepts}. */
  void runGroup(FrameworkID frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo executor, TaskGroupInfo group);

  /**
   * KILL_TASK of a task it has; {@code killPolicy} (may be null) overrides the task's own. The
   * task's terminal update says how it ended.
   */
  void kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy);

  /** SHUTDOWN_EXECUTOR of an executor it has: the executor and its tasks are stopped. */
  void shutdownExecutor(FrameworkID frameworkId, ExecutorID executorId);

  /** SHUTDOWN_FRAMEWORK: stops every task and executor of the framework this host has. */
  void shutdownFramework(FrameworkID frameworkId);

  /** FRAMEWORK_MESSAGE for an executor it has; best effort: a message that cannot be delivered is logged and dropped. */
  void frameworkMessage(FrameworkID frameworkId, ExecutorID executorId, ByteString data);

  /** The task's terminal update was acknowledged: the host drops it and its checkpoint (its sandbox stays). */
  void forget(FrameworkID frameworkId, TaskID taskId);

  /** The task's unacknowledged updates changed: the host checkpoints them, with the task's latest state. */
  void pendingChanged(FrameworkID frameworkId, TaskID taskId, List<TaskStatus> pending);

  /** Every task the host has, with its latest state (and executor), for (re-)registration. */
  List<RunningTask> runningTasks();

  /** Every task the host has, as {@code /state} shows it. */
  List<TaskView> taskViews();

  /** The containers the host owns, so that the runtimes remove the others after a restart. */
  Set<String> containerIds();

  /** The sandboxes of what still runs, whose logs are rotated. */
  List<Path> liveSandboxes();

  /**
   * Takes up its part of what an earlier run of the agent checkpointed, before the agent
   * registers (it ignores the rest): re-adopts what still runs, reports what ended, queues the
   * unacknowledged updates again. Called once, before any other event; completes when done.
   */
  Future<Void> recover(CheckpointStore.Checkpointed checkpointed, RecoverMode mode);

  /**
   * The agent is closing: timers and executor streams stop, and work that arrives from now on
   * fails with REASON_AGENT_RESTARTED. The containers themselves are killed by the agent when it
   * then closes its runtimes, and their ends are reported as usual. Idempotent.
   */
  void close();
}
