package io.mezzo.master.state;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One instance of each equal value still in use, so that the master's records share it instead
 * of holding a copy per task: most tasks of a framework name the same {@code cpus} and
 * {@code mem}, and every parsed copy would otherwise keep its own messages and strings. Only for
 * immutable values that compare by value (protobuf messages, {@code AgentResources}). Weak: an
 * instance no record holds any more is forgotten with its entry. Touched only on the state's
 * context.
 */
final class ProtoInterner {
  private final Map<Object, WeakReference<Object>> values = new WeakHashMap<>();

  /** The instance equal to {@code value} already held here, else {@code value}, which is held from now on. */
  @SuppressWarnings("unchecked")
  <T> T intern(T value) {
    WeakReference<Object> held = values.get(value);
    Object shared = held == null ? null : held.get();
    if (shared != null) {
      return (T) shared;
    }
    values.put(value, new WeakReference<>(value));
    return value;
  }

  /** How many distinct values are held; for tests. */
  int size() {
    return values.size();
  }
}
