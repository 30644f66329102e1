package io.mezzo.master.auth;

import io.mezzo.master.spi.Authorizer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mesos's local authorizer over ACLs in its JSON ({@code --acls}, inline or a file): for each
 * action, rules of a subject and an object entity ({@code {"values":[…]}}, {@code {"type":"ANY"}}
 * or {@code {"type":"NONE"}}), checked in order; the first rule that matches the request decides,
 * and when none does the answer is {@code permissive}. Unlike Mesos, whose default is permissive,
 * Mezzo's default once ACLs are given is {@code "permissive": false}. Immutable.
 */
public final class LocalAuthorizer implements Authorizer {
  /** Mesos's action keys, their subject and object field names. */
  private static final Map<Action, String[]> KEYS = new EnumMap<>(Map.ofEntries(
      Map.entry(Action.REGISTER_FRAMEWORK, new String[] {"register_frameworks", "principals", "roles"}),
      Map.entry(Action.RUN_TASK, new String[] {"run_tasks", "principals", "users"}),
      Map.entry(Action.TEARDOWN_FRAMEWORK, new String[] {"teardown_frameworks", "principals", "framework_principals"}),
      Map.entry(Action.RESERVE_RESOURCES, new String[] {"reserve_resources", "principals", "roles"}),
      Map.entry(Action.UNRESERVE_RESOURCES, new String[] {"unreserve_resources", "principals", "reserver_principals"}),
      Map.entry(Action.UPDATE_QUOTA, new String[] {"update_quotas", "principals", "roles"}),
      Map.entry(Action.UPDATE_WEIGHT, new String[] {"update_weights", "principals", "roles"}),
      Map.entry(Action.VIEW_FRAMEWORK, new String[] {"view_frameworks", "principals", "users"}),
      Map.entry(Action.VIEW_TASK, new String[] {"view_tasks", "principals", "users"}),
      Map.entry(Action.VIEW_EXECUTOR, new String[] {"view_executors", "principals", "users"}),
      Map.entry(Action.VIEW_AGENT, new String[] {"view_agents", "principals", "agents"}),
      Map.entry(Action.VIEW_FLAGS, new String[] {"view_flags", "principals", "flags"})));
  private static final Set<String> KNOWN = Set.of("permissive", "register_frameworks", "run_tasks",
      "teardown_frameworks", "reserve_resources", "unreserve_resources", "update_quotas", "update_weights",
      "view_frameworks", "view_tasks", "view_executors", "view_agents", "view_flags");

  private final boolean permissive;
  private final Map<Action, List<Rule>> rules;

  private LocalAuthorizer(boolean permissive, Map<Action, List<Rule>> rules) {
    this.permissive = permissive;
    this.rules = rules;
  }

  /**
   * Parses {@code --acls}: JSON text, or a path (or {@code file://} URL) to it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static LocalAuthorizer parse(String acls) {
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
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("Invalid ACLs: unknown or unsupported action '" + key + "' (Mezzo knows "
            + new java.util.TreeSet<>(KNOWN) + ")");
      }
    }
    Object permissive = json.getValue("permissive", false);
    if (!(permissive instanceof Boolean)) {
      throw new IllegalArgumentException("Invalid ACLs: 'permissive' must be true or false");
    }
    Map<Action, List<Rule>> rules = new EnumMap<>(Action.class);
    for (Map.Entry<Action, String[]> action : KEYS.entrySet()) {
      String[] names = action.getValue();
      Object list = json.getValue(names[0]);
      List<Rule> parsed = new ArrayList<>();
      if (list != null) {
        if (!(list instanceof JsonArray array)) {
          throw new IllegalArgumentException("Invalid ACLs: '" + names[0] + "' must be an array");
        }
        for (int i = 0; i < array.size(); i++) {
          String where = names[0] + "[" + i + "]";
          if (!(array.getValue(i) instanceof JsonObject rule)) {
            throw new IllegalArgumentException("Invalid ACLs: " + where + " is not an object");
          }
          parsed.add(new Rule(Entity.parse(rule.getValue(names[1]), where + "." + names[1]),
              Entity.parse(rule.getValue(names[2]), where + "." + names[2])));
        }
      }
      rules.put(action.getKey(), List.copyOf(parsed));
    }
    return new LocalAuthorizer((Boolean) permissive, rules);
  }

  @Override
  public boolean approved(Action action, Optional<String> principal, Optional<String> object) {
    for (Rule rule : rules.get(action)) {
      if (rule.subject.matches(principal) && rule.object.matches(object)) {
        return rule.subject.allows(principal) && rule.object.allows(object);
      }
    }
    return permissive;
  }

  private record Rule(Entity subject, Entity object) {}

  /** An ACL entity; a request's subject or object is SOME (a value) or ANY (empty). */
  private record Entity(Type type, Set<String> values) {
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
      Set<String> values = Set.of();
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
        values = Set.copyOf(strings);
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
