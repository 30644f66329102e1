package io.mezzo.agent.detector;

import io.mezzo.agent.support.MasterUrl;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Tells the agent which master leads. The listener is called on the context given at
 * creation, with the new leader or null when there is none, and only when it changes.
 */
public interface MasterDetector {

  /** Starts watching; the listener hears the first leader as soon as it is known. Called once. */
  Future<Void> start(Consumer<MasterAddress> listener);

  /** Stops watching; idempotent. */
  Future<Void> close();

  /** The detector for a {@code --master} URL. */
  static MasterDetector of(MasterUrl url, Context context) {
    if (url instanceof MasterUrl.Fixed fixed) {
      return new FixedMasterDetector(new MasterAddress(fixed.host(), fixed.port()), context);
    }
    return new ZooKeeperMasterDetector(((MasterUrl.ZooKeeper) url).url(), context);
  }
}
