package io.mezzo.master.spi;

import java.util.Optional;

/**
 * Decides whether a principal may do an action on an object, as Mesos's authorizer does: the
 * master asks before it registers a framework in a role, runs a task as an OS user, tears down a
 * framework for an operator, reserves or unreserves resources, or updates quota or weights, and
 * for what each caller's reads and event streams may show (the VIEW_ actions).
 *
 * <p>Called on the master's context for each check (one call per role, user or resource), so
 * implementations answer from memory, never block, and are thread-safe. A refusal reaches the
 * caller as Mesos answers it: an ERROR event for SUBSCRIBE, TASK_ERROR with
 * REASON_TASK_UNAUTHORIZED for a task, 403 for an operator call.
 */
public interface Authorizer {

  /** What is being asked for, with the object each action is about. */
  enum Action {
    /** Object: a role the framework subscribes in. */
    REGISTER_FRAMEWORK,
    /** Object: the OS user a task or executor runs as. */
    RUN_TASK,
    /** Object: the principal of the framework to tear down (empty when it has none). */
    TEARDOWN_FRAMEWORK,
    /** Object: the role resources are reserved for. */
    RESERVE_RESOURCES,
    /** Object: the principal that made the reservation (empty when none was recorded). */
    UNRESERVE_RESOURCES,
    /** Object: the role whose quota changes. */
    UPDATE_QUOTA,
    /** Object: the role whose weight changes. */
    UPDATE_WEIGHT,
    /** Object: the framework's OS user. Hides the framework (and its offers) from reads and streams. */
    VIEW_FRAMEWORK,
    /** Object: the task's OS user, else its framework's. */
    VIEW_TASK,
    /** Object: the executor's OS user, else its framework's. */
    VIEW_EXECUTOR,
    /** No object (ANY): the agents' list. */
    VIEW_AGENT,
    /** No object (ANY): the master's flags; GET_FLAGS answers 403 when denied. */
    VIEW_FLAGS,
    /** No object (ANY): SET_LOGGING_LEVEL. */
    SET_LOG_LEVEL,
    /** No object (ANY): MARK_AGENT_GONE. */
    MARK_AGENT_GONE
  }

  /**
   * @param principal who asks; empty for an unauthenticated caller (Mesos's {@code ANY} subject)
   * @param object what the action is about (see {@link Action}); empty for {@code ANY}
   */
  boolean approved(Action action, Optional<String> principal, Optional<String> object);

  /** Approves everything: the master without {@code --acls}. */
  Authorizer PERMISSIVE = (action, principal, object) -> true;
}
