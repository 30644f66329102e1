package io.mezzo.agent.tasks;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.sandbox.SandboxLayout;
import io.mezzo.agent.spi.ContainerRuntime;
import io.mezzo.agent.status.StatusUpdateManager;
import io.mezzo.agent.support.Timers;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every {@link TaskHost} works with; all of it belongs to the agent.
 *
 * @param context the agent's context, which owns the hosts
 * @param timers timers whose actions run on {@code context}
 * @param layout where sandboxes are made
 * @param runtimes the agent's runtimes by name, in the order of its {@code --runtimes}
 * @param updates the agent's status-update manager
 * @param checkpoints where tasks, executors and unacknowledged updates are checkpointed
 * @param agentInfo the agent's current AgentInfo, with its id once registered; called on {@code context}
 */
public record HostServices(
    Context context,
    Timers timers,
    SandboxLayout layout,
    Map<String, ContainerRuntime> runtimes,
    StatusUpdateManager updates,
    CheckpointStore checkpoints,
    Supplier<AgentInfo> agentInfo) {

  public HostServices {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(timers, "timers");
    Objects.requireNonNull(layout, "layout");
    runtimes = Collections.unmodifiableMap(new LinkedHashMap<>(runtimes));
    Objects.requireNonNull(updates, "updates");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(agentInfo, "agentInfo");
  }

  /** The id the master gave the agent, or null before it registered. */
  public AgentID agentId() {
    AgentInfo info = agentInfo.get();
    return info != null && info.hasId() ? info.getId() : null;
  }

  /** Checks, when assertions are on, that {@code user} runs on the agent's context. */
  public void assertOnContext(Object user) {
    assert Vertx.currentContext() == context : user.getClass().getSimpleName() + " used off the agent's context";
  }
}
