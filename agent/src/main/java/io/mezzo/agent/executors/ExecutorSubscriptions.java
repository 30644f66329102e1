package io.mezzo.agent.executors;

import io.mezzo.agent.support.Timers;
import io.mezzo.agent.executors.RunningExecutor.State;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.tasks.HostServices;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.executor.Protos.Call;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executors' side of the {@link ExecutorRegistry}: what their executor API calls do. A
 * call that the agent refuses throws {@link ExecutorCallRejected} with Mesos's status and
 * message. Owned by the agent's context, like the registry.
 */
final class ExecutorSubscriptions {
  private static final Logger log = LoggerFactory.getLogger(ExecutorSubscriptions.class);

  private final ExecutorTable table;
  private final ExecutorLifecycle lifecycle;
  private final Context context;
  private final Timers timers;
  private final StatusUpdateManager updates;
  private final Supplier<AgentInfo> agentInfo;
  private final ExecutorRegistry.MasterNotifier master;

  ExecutorSubscriptions(ExecutorTable table, ExecutorLifecycle lifecycle, HostServices services,
      ExecutorRegistry.MasterNotifier master) {
    this.table = table;
    this.lifecycle = lifecycle;
    this.context = services.context();
    this.timers = services.timers();
    this.updates = services.updates();
    this.agentInfo = services.agentInfo();
    this.master = master;
  }

  /** SUBSCRIBE: opens the stream with SUBSCRIBED, then the queued launches. */
  void subscribe(Call call, ExecutorStream stream) {
    assertOnContext();
    RunningExecutor executor = lookup(call);
    stream.open();
    if (executor.state == State.TERMINATING) {
      log.info("[framework={}] [executor={}] subscribed while shutting down; sending SHUTDOWN",
          executor.frameworkId.getValue(), executor.id());
      stream.send(ExecutorEvents.shutdown());
      stream.close();
      return;
    }
    if (executor.stream != null) {
      log.info("[framework={}] [executor={}] re-subscribed; closing its previous stream",
          executor.frameworkId.getValue(), executor.id());
      executor.stream.close();
    }
    executor.stream = stream;
    stream.attach(executor);
    executor.state = State.RUNNING;
    executor.recovered = false;
    executor.cancelTimers();
    // Armed before anything is sent: an executor that has read SUBSCRIBED can count on the HEARTBEATs.
    armHeartbeat(executor, stream);
    log.info("[framework={}] [executor={}] subscribed", executor.frameworkId.getValue(), executor.id());
    stream.send(ExecutorEvents.subscribed(executor.info, executor.frameworkInfo, agentInfo.get(), executor.containerId));

    Call.Subscribe subscribe = call.getSubscribe();
    Set<String> known = new HashSet<>();
    subscribe.getUnacknowledgedTasksList().forEach(t -> known.add(t.getTaskId().getValue()));
    for (Call.Update update : subscribe.getUnacknowledgedUpdatesList()) {
      known.add(update.getStatus().getTaskId().getValue());
      ExecutorTask task = executor.tasks.get(update.getStatus().getTaskId().getValue());
      if (task == null) {
        log.warn("[framework={}] [executor={}] ignoring an unacknowledged update of unknown task {}",
            executor.frameworkId.getValue(), executor.id(), update.getStatus().getTaskId().getValue());
      } else {
        accept(executor, task, update.getStatus());
      }
    }
    lifecycle.deliverQueued(executor, known);
  }

  /** UPDATE: the status joins the task's reliable update stream; the executor gets ACKNOWLEDGED. */
  void update(Call call) {
    assertOnContext();
    RunningExecutor executor = subscribed(call);
    TaskStatus status = call.getUpdate().getStatus();
    ExecutorTask task = executor.tasks.get(status.getTaskId().getValue());
    if (task == null) {
      throw new ExecutorCallRejected(400, "Task '" + status.getTaskId().getValue() + "' is not a task of executor '"
          + executor.id() + "' of framework '" + executor.frameworkId.getValue() + "' on this agent");
    }
    accept(executor, task, status);
  }

  /** MESSAGE: passed to the master for the scheduler (best effort). */
  void message(Call call) {
    assertOnContext();
    RunningExecutor executor = subscribed(call);
    master.executorMessage(executor.frameworkId, executor.info.getExecutorId(), call.getMessage().getData());
  }

  /** HEARTBEAT (and any other call): only checks that the caller is a subscribed executor. */
  void check(Call call) {
    assertOnContext();
    subscribed(call);
  }

  /** The executor's SUBSCRIBE connection closed. It may subscribe again; until then nothing reaches it. */
  void disconnected(ExecutorStream stream) {
    assertOnContext();
    stream.markClosed();
    RunningExecutor executor = stream.executor();
    if (executor == null || executor.stream != stream) {
      return;
    }
    log.warn("[framework={}] [executor={}] its subscription stream closed", executor.frameworkId.getValue(), executor.id());
    executor.stream = null;
    if (executor.heartbeatTimer != null) {
      executor.heartbeatTimer.cancel();
      executor.heartbeatTimer = null;
    }
    if (executor.state == State.RUNNING) {
      executor.state = State.REGISTERING;
    }
  }

  private void accept(RunningExecutor executor, ExecutorTask task, TaskStatus status) {
    TaskStatus stamped = status.toBuilder().setExecutorId(executor.info.getExecutorId()).build();
    if (StatusUpdateManager.isTerminal(task.state)) {
      log.warn("[framework={}] [executor={}] [task={}] dropping {}: the task already ended as {}",
          executor.frameworkId.getValue(), executor.id(), task.id(), status.getState(), task.state);
    } else if (updates.forward(executor.frameworkId, stamped)) {
      log.info("[framework={}] [executor={}] [task={}] {}{}", executor.frameworkId.getValue(), executor.id(), task.id(),
          status.getState(), status.hasMessage() ? ": " + status.getMessage() : "");
      task.state = status.getState();
    }
    // Accepted, or known already: either way the executor may stop re-sending it.
    if (executor.stream != null) {
      executor.stream.send(ExecutorEvents.acknowledged(status.getTaskId(), status.getUuid()));
    }
  }

  private RunningExecutor lookup(Call call) {
    String frameworkId = call.getFrameworkId().getValue();
    RunningExecutor executor = table.executor(frameworkId, call.getExecutorId().getValue());
    if (executor != null) {
      return executor;
    }
    throw new ExecutorCallRejected(400, table.knowsFramework(frameworkId) ? "Executor cannot be found" : "Framework cannot be found");
  }

  private RunningExecutor subscribed(Call call) {
    RunningExecutor executor = lookup(call);
    if (executor.stream == null) {
      throw new ExecutorCallRejected(403, "Executor is not subscribed");
    }
    return executor;
  }

  private void armHeartbeat(RunningExecutor executor, ExecutorStream stream) {
    executor.heartbeatTimer = timers.schedule(ExecutorRegistry.HEARTBEAT_INTERVAL, () -> {
      if (executor.stream == stream && !stream.isClosed()) {
        armHeartbeat(executor, stream);
        stream.send(ExecutorEvents.heartbeat());
      }
    });
  }


  private void assertOnContext() {
    assert Vertx.currentContext() == context : "ExecutorSubscriptions used off its context";
  }
}
