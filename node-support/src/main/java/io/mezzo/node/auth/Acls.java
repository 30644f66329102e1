package io.mezzo.node.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Mesos's ACLs in its JSON ({@code --acls} of the master and the agent, inline or a file), and its
 * local authorizer's rule: for each action, rules of a subject and an object entity
 * ({@code {"values":[…]}}, {@code {"type":"ANY"}} or {@code {"type":"NONE"}}), checked in order;
 * the first rule that matches the request decides, and when none does the answer is
 * {@code permissive}. Unlike Mesos, whose default is permissive, Mezzo's default once ACLs are
 * given is {@code "permissive": false}.
 *
 * <p>Both nodes accept every action below, so one file serves the master and its agents; each
 * asks only about the actions it guards (the agent: {@link Action#ACCESS_SANDBOXES}). Immutable;
 * safe from any thread, never blocks.
 */
public final class Acls {

  /** Mesos's ACL actions Mezzo knows: the JSON key, and the field names of its subject and object. */
  public enum Action {
    REGISTER_FRAMEWORKS("register_frameworks", "roles"),
    RUN_TASKS("run_tasks", "users"),
    TEARDOWN_FRAMEWORKS("teardown_frameworks", "framework_principals"),
    RESERVE_RESOURCES("reserve_resources", "roles"),
    UNRESERVE_RESOURCES("unreserve_resources", "reserver_principals"),
    UPDATE_QUOTAS("update_quotas", "roles"),
    UPDATE_WEIGHTS("update_weights", "roles"),
    VIEW_FRAMEWORKS("view_frameworks", "users"),
    VIEW_TASKS("view_tasks", "users"),
    VIEW_EXECUTORS("view_executors", "users"),
    VIEW_AGENTS("view_agents", "agents"),
    VIEW_FLAGS("view_flags", "flags"),
    /** Object: the OS user of the task or executor whose sandbox is read. */
    ACCESS_SANDBOXES("access_sandboxes", "users"),
    /** Object: the level (Mesos checks ANY). */
    SET_LOG_LEVEL("set_log_level", "level"),
    /** Object: the agents (Mesos checks ANY). */
    MARK_AGENTS_GONE("mark_agents_gone", "agents");

    private final String key;
    private final String objectField;

    Action(String key, String objectField) {
      this.key = key;
      this.objectField = objectField;
    }

    /** The action's key in the ACL JSON, as Mesos names it. */
    public String key() {
      return key;
    }

    /** Every rule's subject field. */
    public String subjectField() {
      return "principals";
    }

    public String objectField() {
      return objectField;
    }
  }

  private final boolean permissive;
  private final Map<Action, List<Rule>> rules;

  private Acls(boolean permissive, Map<Action, List<Rule>> rules) {
    this.permissive = permissive;
    this.rules = rules;
  }

  /**
   * Parses {@code --acls}: JSON text, or a path (or {@code file://} URL) to it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Acls parse(String acls) {
    String text = acls.trim();
    if (!text.startsWith("{")) {
      Path path = Path.of(text.startsWith("file://") ? text.substring("file://".length()) : text);
      try {
        text = Files.readString(path);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read the ACLs file " + path + ": " + e.getMessage());
      }
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("Invalid ACLs: not a JSON object");
    }
    for (String key : json.fieldNames()) {
      if (!key.equals("permissive") && Arrays.stream(Action.values()).noneMatch(a -> a.key.equals(key))) {
        TreeSet<String> known = new TreeSet<>(Arrays.stream(Action.values()).map(Action::key).toList());
        known.add("permissive");
        throw new IllegalArgumentException("Invalid ACLs: unknown or unsupported action '" + key + "' (Mezzo knows "
            + known + ")");
      }
    }
    Object permissive = json.getValue("permissive", false);
    if (!(permissive instanceof Boolean)) {
      throw new IllegalArgumentException("Invalid ACLs: 'permissive' must be true or false");
    }
    Map<Action, List<Rule>> rules = new EnumMap<>(Action.class);
    for (Action action : Action.values()) {
      rules.put(action, parseRules(action, json.getValue(action.key)));
    }
    return new Acls((Boolean) permissive, rules);
  }

  private static List<Rule> parseRules(Action action, Object list) {
    if (list == null) {
      return List.of();
    }
    if (!(list instanceof JsonArray array)) {
      throw new IllegalArgumentException("Invalid ACLs: '" + action.key + "' must be an array");
    }
    List<Rule> parsed = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = action.key + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject rule)) {
        throw new IllegalArgumentException("Invalid ACLs: " + where + " is not an object");
      }
      parsed.add(new Rule(Entity.parse(rule.getValue(action.subjectField()), where + "." + action.subjectField()),
          Entity.parse(rule.getValue(action.objectField), where + "." + action.objectField)));
    }
    return List.copyOf(parsed);
  }

  /**
   * Whether {@code principal} may do {@code action} on {@code object}.
   *
   * @param principal who asks; empty for an unauthenticated caller (Mesos's {@code ANY} subject)
   * @param object what the action is about (see {@link Action}); empty for {@code ANY}
   */
  public boolean approved(Action action, Optional<String> principal, Optional<String> object) {
    for (Rule rule : rules.get(action)) {
      if (rule.subject.matches(principal) && rule.object.matches(object)) {
        return rule.subject.allows(principal) && rule.object.allows(object);
      }
    }
    return permissive;
  }

  /** What is approved when no rule speaks about a request. */
  public boolean permissive() {
    return permissive;
  }

  private record Rule(Entity subject, Entity object) {}

  /** An ACL entity; a request's subject or object is SOME (a value) or ANY (empty). */
  private record Entity(Type type, java.util.Set<String> values) {
    enum Type { SOME, ANY, NONE }

    static Entity parse(Object json, String where) {
      if (!(json instanceof JsonObject entity)) {
        throw new IllegalArgumentException("Invalid ACLs: " + where + " must be {\"values\":[…]} or {\"type\":\"ANY\"|"
            + "\"NONE\"}");
      }
      Object type = entity.getValue("type", "SOME");
      Type parsed;
      try {
        parsed = type instanceof String name ? Type.valueOf(name) : null;
      } catch (IllegalArgumentException e) {
        parsed = null;
      }
      if (parsed == null) {
        throw new IllegalArgumentException("Invalid ACLs: " + where + ".type must be SOME, ANY or NONE");
      }
      java.util.Set<String> values = java.util.Set.of();
      if (parsed == Type.SOME) {
        if (!(entity.getValue("values") instanceof JsonArray list) || list.isEmpty()) {
          throw new IllegalArgumentException("Invalid ACLs: " + where + " needs a non-empty 'values' array");
        }
        List<String> strings = new ArrayList<>();
        for (Object value : list) {
          if (!(value instanceof String s)) {
            throw new IllegalArgumentException("Invalid ACLs: " + where + ".values must be strings");
          }
          strings.add(s);
        }
        values = java.util.Set.copyOf(strings);
      }
      return new Entity(parsed, values);
    }

    /** Mesos's {@code matches}: whether this rule speaks about the request at all. */
    boolean matches(Optional<String> request) {
      if (request.isEmpty()) {
        return type != Type.SOME;
      }
      return type != Type.SOME || values.contains(request.get());
    }

    /** Mesos's {@code allows}: once the rule matches, whether it grants. */
    boolean allows(Optional<String> request) {
      if (request.isEmpty()) {
        return type == Type.ANY;
      }
      return type == Type.ANY || (type == Type.SOME && values.contains(request.get()));
    }
  }
}
