package io.mezzo.master.election;

import io.mezzo.master.spi.LeaderElection;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with a Curator {@link LeaderLatch} under {@code <path>/leader-latch}. The
 * leader publishes its MasterInfo JSON as an ephemeral sequential {@code <path>/json.info_N}
 * node, the layout Mesos detectors read (the lowest sequence number leads, and only the
 * leader keeps such a node). Every callback hops onto the master's context.
 */
public final class CuratorLeaderElection implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(CuratorLeaderElection.class);

  private final CuratorFramework client;
  private final String path;
  private final Context context;
  private LeaderLatch latch;
  private CuratorCache cache;
  private volatile String publishedNode;
  private volatile boolean closed;

  public CuratorLeaderElection(CuratorFramework client, String path, Context context) {
    this.client = client;
    this.path = path;
    this.context = context;
  }

  @Override
  public Future<Void> start(String masterInfoJson, Consumer<Boolean> leadership, Consumer<Optional<String>> leaderChanged) {
    // Nothing here waits for ZooKeeper: the latch and the cache act once the client connects,
    // so a master started before its ZooKeeper simply waits as a non-leader.
    return context.executeBlocking(() -> {
      cache = CuratorCache.build(client, path);
      cache.listenable().addListener((type, oldData, data) -> publishLeader(leaderChanged));
      cache.start();
      client.getConnectionStateListenable().addListener((c, newState) -> {
        if (newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) {
          log.warn("ZooKeeper connection {}; stepping down until it is back", newState);
          context.runOnContext(v -> leadership.accept(false));
        }
      });
      latch = new LeaderLatch(client, path + "/leader-latch");
      latch.addListener(new LeaderLatchListener() {
        @Override
        public void isLeader() {
          publish(masterInfoJson);
          context.runOnContext(v -> leadership.accept(true));
        }

        @Override
        public void notLeader() {
          context.runOnContext(v -> leadership.accept(false));
          unpublish();
        }
      });
      latch.start();
      return null;
    });
  }

  private void publish(String masterInfoJson) {
    try {
      unpublish();
      publishedNode = client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(path + "/" + Wire.MASTER_INFO_PREFIX, masterInfoJson.getBytes(StandardCharsets.UTF_8));
      log.info("Elected leader; published {}", publishedNode);
    } catch (Exception e) {
      log.error("Could not publish MasterInfo under {}", path, e);
    }
  }

  private void unpublish() {
    String node = publishedNode;
    publishedNode = null;
    if (node != null) {
      try {
        client.delete().guaranteed().forPath(node);
      } catch (Exception e) {
        log.debug("Could not delete {} (it goes with the session anyway)", node, e);
      }
    }
  }

  /** The lowest json.info_ child leads, as Mesos detectors decide. */
  private void publishLeader(Consumer<Optional<String>> leaderChanged) {
    if (closed) {
      return;
    }
    Optional<String> leader = cache.stream()
        .filter(d -> d.getData() != null && MasterInfos.sequence(name(d.getPath())) >= 0)
        .min(Comparator.comparingLong(d -> MasterInfos.sequence(name(d.getPath()))))
        .map(d -> new String(d.getData(), StandardCharsets.UTF_8));
    context.runOnContext(v -> leaderChanged.accept(leader));
  }

  private static String name(String nodePath) {
    return nodePath.substring(nodePath.lastIndexOf('/') + 1);
  }


  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Promise<Void> done = Promise.promise();
    context.executeBlocking(() -> {
      unpublish();
      if (latch != null) {
        latch.close(LeaderLatch.CloseMode.SILENT);
      }
      if (cache != null) {
        cache.close();
      }
      return null;
    }).onComplete(ar -> done.complete());
    return done.future();
  }

}
