package io.mezzo.agent.detector;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the leading master in ZooKeeper, Mesos layout: under {@code path}, each master has an
 * ephemeral sequential node {@code json.info_<10-digit sequence>} holding its MasterInfo as
 * JSON, and the lowest sequence leads. Watches the children and re-reads on every change and
 * every reconnection.
 */
final class ZooKeeperMasterDetector implements MasterDetector {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperMasterDetector.class);
  private static final int SESSION_TIMEOUT_MS = 10_000;
  private static final int CONNECTION_TIMEOUT_MS = 5_000;

  private final String connectString;
  private final String path;
  private final Context context;
  private final CuratorFramework client;
  private final AtomicLong generation = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CuratorWatcher watcher = this::watched;
  private volatile Consumer<MasterAddress> listener;
  // Owned by the context.
  private MasterAddress current;
  private boolean announced;

  ZooKeeperMasterDetector(String connectString, String path, Context context) {
    this.connectString = connectString;
    this.path = path;
    this.context = context;
    this.client = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .connectionTimeoutMs(CONNECTION_TIMEOUT_MS)
        .retryPolicy(new ExponentialBackoffRetry(500, 10, 10_000))
        .build();
  }

  @Override
  public Future<Void> start(Consumer<MasterAddress> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    client.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
        refresh();
      }
    });
    log.info("Looking for the leading master in ZooKeeper {} under {}", connectString, path);
    client.start();
    refresh();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return context.executeBlocking(() -> {
      client.close();
      return null;
    }, false);
  }

  private void watched(WatchedEvent event) {
    if (event.getType() != Watcher.Event.EventType.None) {
      refresh();
    }
  }

  private void refresh() {
    if (closed.get()) {
      return;
    }
    long ticket = generation.incrementAndGet();
    try {
      client.getChildren().usingWatcher(watcher).inBackground((c, event) -> children(ticket, event)).forPath(path);
    } catch (Exception e) {
      log.warn("Cannot list {} in ZooKeeper: {}", path, e.getMessage());
    }
  }

  private void children(long ticket, CuratorEvent event) throws Exception {
    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
    if (code == KeeperException.Code.NONODE) {
      // No master has ever published here; wake up when the path appears.
      client.checkExists().usingWatcher(watcher).inBackground((c, e) -> {
        if (e.getStat() != null) {
          refresh();
        }
      }).forPath(path);
      publish(ticket, null);
      return;
    }
    if (code != KeeperException.Code.OK) {
      log.debug("Listing {} failed with {}; waiting for the connection to come back", path, code);
      return;
    }
    Optional<String> leader = MasterInfos.leaderNode(event.getChildren());
    if (leader.isEmpty()) {
      publish(ticket, null);
      return;
    }
    String node = path + "/" + leader.get();
    client.getData().inBackground((c, e) -> leaderData(ticket, node, e)).forPath(node);
  }

  private void leaderData(long ticket, String node, CuratorEvent event) {
    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
    if (code == KeeperException.Code.NONODE) {
      refresh();
      return;
    }
    if (code != KeeperException.Code.OK) {
      log.debug("Reading {} failed with {}", node, code);
      return;
    }
    try {
      MasterInfo info = JsonCodec.parse(new String(event.getData(), StandardCharsets.UTF_8), MasterInfo.getDefaultInstance());
      publish(ticket, MasterAddress.of(info));
    } catch (RuntimeException e) {
      log.warn("Ignoring leader node {}: its MasterInfo does not parse: {}", node, e.getMessage());
      publish(ticket, null);
    }
  }

  private void publish(long ticket, MasterAddress leader) {
    context.runOnContext(v -> {
      // An older listing answered after a newer one was asked for: the newer one decides.
      if (closed.get() || ticket != generation.get()) {
        return;
      }
      if (announced && Objects.equals(current, leader)) {
        return;
      }
      announced = true;
      current = leader;
      if (leader == null) {
        log.info("No leading master in ZooKeeper under {}", path);
      } else {
        log.info("Leading master is {}", leader);
      }
      listener.accept(leader);
    });
  }
}
