package io.mezzo.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The roles the framework suppressed offers for, so that a re-SUBSCRIBE (after a failover or
 * a dropped stream) keeps them suppressed, as Mesos's {@code Subscribe.suppressed_roles} asks.
 * Updated by SUPPRESS and REVIVE from any thread.
 */
final class SuppressedRoles {
  private final List<String> frameworkRoles;
  private final Set<String> roles = ConcurrentHashMap.newKeySet();

  /** @param frameworkRoles what "every role" means for this framework */
  SuppressedRoles(List<String> frameworkRoles) {
    this.frameworkRoles = List.copyOf(frameworkRoles);
  }

  /** SUPPRESS of these roles; none means every role of the framework. */
  void suppress(List<String> suppressed) {
    roles.addAll(suppressed.isEmpty() ? frameworkRoles : suppressed);
  }

  /** REVIVE of these roles; none means every role. */
  void revive(List<String> revived) {
    if (revived.isEmpty()) {
      roles.clear();
    } else {
      revived.forEach(roles::remove);
    }
  }

  /** The suppressed roles, sorted, for SUBSCRIBE. */
  List<String> sorted() {
    return new ArrayList<>(new TreeSet<>(roles));
  }
}
