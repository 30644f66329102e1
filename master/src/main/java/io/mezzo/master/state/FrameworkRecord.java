package io.mezzo.master.state;

import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.scheduler.Protos.Event;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The master's view of one framework. */
final class FrameworkRecord {
  final String id;
  FrameworkInfo info;
  EventSink<Event> stream;
  final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  final Set<String> offers = new LinkedHashSet<>();
  long failoverTimer = -1;
  final long registeredAtMillis;
  /** Known from the tasks agents reported after a master failover, not yet subscribed to this master. */
  boolean recovered;
  /** What {@link #info} says of capabilities and roles; see {@link #derived()}. */
  private Derived derived;

  FrameworkRecord(String id, FrameworkInfo info, long registeredAtMillis) {
    this.id = id;
    this.info = info;
    this.registeredAtMillis = registeredAtMillis;
  }

  boolean connected() {
    return stream != null;
  }

  void send(Event event) {
    if (stream != null) {
      stream.send(event);
    }
  }

  boolean hasCapability(FrameworkInfo.Capability.Type type) {
    return derived().capabilities.contains(type);
  }

  /** The framework's roles, in its order: {@code roles} with MULTI_ROLE, else its one {@code role}. Unmodifiable. */
  Set<String> roles() {
    return derived().roles;
  }

  /**
   * What {@link #hasCapability} and {@link #roles} read, made once per {@link #info} rather than on
   * each call (they are asked per task and per offer). The roles are always the same class of set, so
   * a new leader's registrations find the code its standby compiled in {@code LeaderPreload} fit for
   * every framework: sets of two classes made the compiled code fall back and be compiled again.
   */
  private Derived derived() {
    Derived now = derived;
    if (now == null || now.from != info) {
      now = new Derived(info);
      derived = now;
    }
    return now;
  }

  private static final class Derived {
    final FrameworkInfo from;
    final Set<FrameworkInfo.Capability.Type> capabilities = EnumSet.noneOf(FrameworkInfo.Capability.Type.class);
    final Set<String> roles;

    Derived(FrameworkInfo info) {
      from = info;
      info.getCapabilitiesList().forEach(c -> capabilities.add(c.getType()));
      roles = Collections.unmodifiableSet(capabilities.contains(FrameworkInfo.Capability.Type.MULTI_ROLE)
          ? new LinkedHashSet<>(info.getRolesList()) : new LinkedHashSet<>(List.of(info.getRole())));
    }
  }
}
