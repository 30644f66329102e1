package io.mezzo.master.state;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * An insertion-ordered set of ids that forgets its oldest beyond a capacity, so that lists the
 * master keeps for ever (removed frameworks, gone and removed agents) cannot grow without bound;
 * Mesos bounds its own the same way ({@code --registry_max_agent_count}). Adding an id already
 * held changes nothing. Not thread-safe: the state's context owns it.
 */
final class BoundedIds extends AbstractSet<String> {
  /** Mesos's {@code --registry_max_agent_count} default. */
  static final int MAX_AGENT_IDS = 102_400;
  /** Removed frameworks' ids kept to refuse their re-subscription (about 5 MB at most). */
  static final int MAX_FRAMEWORK_IDS = 100_000;

  private final int capacity;
  private final LinkedHashSet<String> ids = new LinkedHashSet<>();

  BoundedIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public boolean add(String id) {
    if (!ids.add(id)) {
      return false;
    }
    if (ids.size() > capacity) {
      Iterator<String> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  @Override
  public boolean contains(Object id) {
    return ids.contains(id);
  }

  @Override
  public boolean remove(Object id) {
    return ids.remove(id);
  }

  @Override
  public Iterator<String> iterator() {
    return ids.iterator();
  }

  @Override
  public int size() {
    return ids.size();
  }
}
