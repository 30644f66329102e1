package io.mezzo.master.auth;

import io.mezzo.master.spi.Authorizer;
import io.mezzo.node.auth.Acls;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Mesos's local authorizer over ACLs in its JSON ({@code --acls}, inline or a file): the shared
 * {@link Acls} (parsing and Mesos's first-matching-rule semantics, as the agent uses them for
 * {@code access_sandboxes}), asked for the master's actions. Unlike Mesos, whose default is
 * permissive, Mezzo's default once ACLs are given is {@code "permissive": false}. Immutable.
 */
public final class LocalAuthorizer implements Authorizer {
  /** The master's actions and Mesos's ACL keys for them. */
  private static final Map<Action, Acls.Action> KEYS = new EnumMap<>(Map.ofEntries(
      Map.entry(Action.REGISTER_FRAMEWORK, Acls.Action.REGISTER_FRAMEWORKS),
      Map.entry(Action.RUN_TASK, Acls.Action.RUN_TASKS),
      Map.entry(Action.TEARDOWN_FRAMEWORK, Acls.Action.TEARDOWN_FRAMEWORKS),
      Map.entry(Action.RESERVE_RESOURCES, Acls.Action.RESERVE_RESOURCES),
      Map.entry(Action.UNRESERVE_RESOURCES, Acls.Action.UNRESERVE_RESOURCES),
      Map.entry(Action.UPDATE_QUOTA, Acls.Action.UPDATE_QUOTAS),
      Map.entry(Action.UPDATE_WEIGHT, Acls.Action.UPDATE_WEIGHTS),
      Map.entry(Action.VIEW_FRAMEWORK, Acls.Action.VIEW_FRAMEWORKS),
      Map.entry(Action.VIEW_TASK, Acls.Action.VIEW_TASKS),
      Map.entry(Action.VIEW_EXECUTOR, Acls.Action.VIEW_EXECUTORS),
      Map.entry(Action.VIEW_AGENT, Acls.Action.VIEW_AGENTS),
      Map.entry(Action.VIEW_FLAGS, Acls.Action.VIEW_FLAGS),
      Map.entry(Action.SET_LOG_LEVEL, Acls.Action.SET_LOG_LEVEL),
      Map.entry(Action.MARK_AGENT_GONE, Acls.Action.MARK_AGENTS_GONE)));

  private final Acls acls;

  private LocalAuthorizer(Acls acls) {
    this.acls = acls;
  }

  /**
   * Parses {@code --acls}: JSON text, or a path (or {@code file://} URL) to it. The agent's
   * {@code access_sandboxes} is accepted and left to the agents, so one file serves the cluster.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static LocalAuthorizer parse(String acls) {
    return new LocalAuthorizer(Acls.parse(acls));
  }

  @Override
  public boolean approved(Action action, Optional<String> principal, Optional<String> object) {
    return acls.approved(KEYS.get(action), principal, object);
  }
}
