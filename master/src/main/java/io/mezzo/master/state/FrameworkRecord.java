package io.mezzo.master.state;

import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.scheduler.Protos.Event;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    return info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == type);
  }

  Set<String> roles() {
    if (hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
      return new LinkedHashSet<>(info.getRolesList());
    }
    return Set.of(info.getRole());
  }
}
