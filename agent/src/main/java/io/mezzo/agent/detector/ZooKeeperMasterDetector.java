package io.mezzo.agent.detector;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.discovery.ZkUrl;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the leading master in ZooKeeper with the shared {@link LeaderDetector} (Mesos layout:
 * the lowest {@code json.info_} node under the path leads) and tells the agent, on its context,
 * when the leader's address changes.
 */
final class ZooKeeperMasterDetector implements MasterDetector {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperMasterDetector.class);

  private final LeaderDetector detector;
  private final Context context;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Owned by the context.
  private MasterAddress current;
  private boolean announced;

  ZooKeeperMasterDetector(ZkUrl url, Context context) {
    this.context = context;
    this.detector = LeaderDetector.create(url, task -> context.runOnContext(v -> task.run()));
  }

  @Override
  public Future<Void> start(Consumer<MasterAddress> listener) {
    Objects.requireNonNull(listener, "listener");
    detector.addListener(leader -> {
      MasterAddress address = leader.map(ZooKeeperMasterDetector::address).orElse(null);
      // Two MasterInfos can name one address (a master elected again): that is no change for the agent.
      if (closed.get() || (announced && Objects.equals(current, address))) {
        return;
      }
      announced = true;
      current = address;
      listener.accept(address);
    });
    detector.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return context.executeBlocking(() -> {
      detector.close();
      return null;
    }, false);
  }

  private static MasterAddress address(MasterInfo info) {
    try {
      return MasterAddress.of(info);
    } catch (IllegalArgumentException e) {
      log.warn("Ignoring the leading master {}: {}", info.getId(), e.getMessage());
      return null;
    }
  }
}
