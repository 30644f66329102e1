package io.mezzo.master.election;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.master.spi.LeaderElection;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
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
 * leader keeps such a node). Who leads, for the followers' redirects, comes from a
 * {@link LeaderDetector} on the same path, as every other Mezzo client finds it. Every callback
 * hops onto the master's context. Each candidate joins the latch with its advertised address as
 * its participant id, so {@link #participants()} lists the masters of the cluster.
 */
public final class CuratorLeaderElection implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(CuratorLeaderElection.class);

  private final CuratorFramework client;
  private final String path;
  private final Context context;
  private final String participantId;
  private volatile LeaderLatch latch;
  private LeaderDetector detector;
  private volatile String publishedNode;
  private volatile boolean closed;

  public CuratorLeaderElection(CuratorFramework client, String path, Context context) {
    this(client, path, context, "");
  }

  /**
   * @param participantId this master's advertised {@code host:port}, its id in the latch
   */
  public CuratorLeaderElection(CuratorFramework client, String path, Context context, String participantId) {
    this.client = client;
    this.path = path;
    this.context = context;
    this.participantId = participantId;
  }

  @Override
  public Future<Void> start(String masterInfoJson, Consumer<Boolean> leadership,
      Consumer<Optional<MasterInfo>> leaderChanged) {
    // Nothing here waits for ZooKeeper: the latch and the detector act once the client connects,
    // so a master started before its ZooKeeper simply waits as a non-leader.
    return context.executeBlocking(() -> {
      detector = LeaderDetector.create(client, path, task -> context.runOnContext(v -> task.run()));
      detector.addListener(leaderChanged::accept);
      detector.start();
      client.getConnectionStateListenable().addListener((c, newState) -> {
        if (newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) {
          log.warn("ZooKeeper connection {}; stepping down until it is back", newState);
          context.runOnContext(v -> leadership.accept(false));
        }
      });
      latch = new LeaderLatch(client, path + "/leader-latch", participantId);
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

  @Override
  public Future<List<Participant>> participants() {
    LeaderLatch joined = latch;
    if (joined == null) {
      return Future.succeededFuture(List.of());
    }
    // getParticipants() reads every latch node from ZooKeeper: a worker's job, not the loop's.
    return context.executeBlocking(() -> joined.getParticipants().stream()
        .map(p -> new Participant(p.getId(), p.isLeader())).toList(), false);
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
      if (detector != null) {
        detector.close();
      }
      return null;
    }).onComplete(ar -> done.complete());
    return done.future();
  }

}
