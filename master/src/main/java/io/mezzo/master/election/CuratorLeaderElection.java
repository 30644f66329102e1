package io.mezzo.master.election;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.master.spi.LeaderElection;
import io.mezzo.master.spi.LeaderFence;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.v1.Protos.MasterInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with a Curator {@link LeaderLatch} under {@code <path>/leader-latch}, whose
 * participant id is the master's advertised {@code host:port}.
 *
 * <p><b>A term.</b> When the latch makes this master leader, a {@link LeaderFence} on its latch
 * node starts the term, the MasterInfo JSON is published as {@code <path>/json.info_N} (a
 * {@link MasterInfoNode}, the layout Mesos detectors read: the lowest sequence leads), and only
 * once that node exists is the master told it leads. A node that cannot be published within the
 * session timeout ends the term: a leader nobody can find does not lead.
 *
 * <p><b>The lease.</b> A term's fence carries a lease of two thirds of the session timeout (or
 * of the session ZooKeeper granted, if shorter): every sixth of the session timeout the
 * election's renewing thread checks that the latch node still exists, and each answer extends the
 * lease from the moment its request was sent. A master frozen past the lease (paused, stopped,
 * starved) finds its fence not holding the moment it runs again, before ZooKeeper or Curator tell
 * it anything, and acts again only once a renewal sent after the freeze is answered; a latch node
 * found gone breaks the fence.
 *
 * <p><b>Suspending, resuming, stepping down.</b> On SUSPENDED, on Curator's event thread and before
 * anything else, the term's fence is <em>suspended</em>: the master stops acting as leader at once
 * but keeps its state, its streams and its json.info_ node, since the session may well be alive
 * (the client moving to another server of the ensemble, a short network cut). On RECONNECTED the
 * election asks ZooKeeper whether the term's latch node still exists and belongs to the term's
 * session; if it does, that session outlived the disconnection, nobody else can have led meanwhile
 * (a latch node with a lower sequence cannot appear), and the same term <em>resumes</em>; should that
 * answer be lost, the next lease renewal sent while connected gives the same proof. On LOST
 * (the session expired, so the latch node is gone), or when the latch node is found gone or owned
 * by another session, the fence breaks and the json.info_ node closes (see {@link MasterInfoNode});
 * the master hears of it on its context and drops the term. After a LOST the old latch is closed
 * and a fresh one joins the election once the client is connected again, once however many LOSTs
 * Curator reported meanwhile. A fence broken by someone else while connected (a registry write
 * refused because the latch node is gone) also means a fresh latch.
 *
 * <p><b>Threads.</b> Latch callbacks come through an executor that hops onto the master's context,
 * where all the election's state lives; ZooKeeper work that may wait (publishing, sweeping, closing
 * latches) runs in order on the election's own thread. Who leads, for the followers' redirects,
 * comes from a {@link LeaderDetector} on the same path.
 */
public final class CuratorLeaderElection implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(CuratorLeaderElection.class);
  /** The latch's node under the master's ZooKeeper path. */
  public static final String LATCH = "leader-latch";

  private final CuratorFramework client;
  private final String path;
  private final Context context;
  private final String participantId;
  private final Duration sessionTimeout;
  private final Duration publishTimeout;
  private final LongSupplier ticker;
  /** Publishing, sweeping and latch changes, one at a time, in order. */
  private final ExecutorService lane;
  /** Renews the current term's lease; never blocks (its ZooKeeper reads are asynchronous). */
  private final ScheduledExecutorService renewer;
  /** When the renewal in flight was sent, or {@link Long#MIN_VALUE} when none is. */
  private final java.util.concurrent.atomic.AtomicLong renewalSentAt =
      new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

  // Owned by the context.
  private Consumer<Optional<LeaderFence>> leadership;
  private byte[] masterInfoJson;
  private volatile LeaderLatch latch;
  private Term term;
  private LeaderDetector detector;
  private boolean closed;
  private Future<Void> closing;

  /** The term as Curator's event thread sees it, to end it without waiting for the context. */
  private volatile Term current;
  /** True from SUSPENDED or LOST until RECONNECTED: no term starts meanwhile. */
  private volatile boolean disconnected;
  /**
   * True from a LOST until the client is connected again (with a new session): then, once, a
   * fresh latch joins. Curator may report LOST more than once for one outage (again each session
   * timeout while ZooKeeper stays out of reach); joining once per LOST closed each fresh latch
   * while it still waited for a connection, and the last one could stay blocked for good.
   */
  private volatile boolean sessionLost;

  /**
   * @param participantId this master's advertised {@code host:port}, the latch participant id
   * @param sessionTimeout the ZooKeeper session timeout the client asked for: the lease is two
   *     thirds of it, and the json.info_ node may take that long to appear before the term is given up
   */
  public CuratorLeaderElection(CuratorFramework client, String path, Context context, String participantId,
      Duration sessionTimeout) {
    this(client, path, context, participantId, sessionTimeout, System::nanoTime);
  }

  /** As above, with the monotonic nanosecond ticker the leases run on (a test's fake). */
  public CuratorLeaderElection(CuratorFramework client, String path, Context context, String participantId,
      Duration sessionTimeout, LongSupplier ticker) {
    this.client = Objects.requireNonNull(client, "client");
    this.path = Objects.requireNonNull(path, "path");
    this.context = Objects.requireNonNull(context, "context");
    this.participantId = Objects.requireNonNull(participantId, "participantId");
    this.sessionTimeout = Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    this.publishTimeout = sessionTimeout;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.lane = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mezzo-election-" + participantId);
      t.setDaemon(true);
      return t;
    });
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mezzo-lease-" + participantId);
      t.setDaemon(true);
      return t;
    });
  }

  /** One won election: the fence, the latch that won it, and the node that publishes it. */
  private static final class Term {
    final LeaderLatch latch;
    /** The ZooKeeper session the term was won in: its latch node is that session's ephemeral node. */
    final long session;
    LeaderFence fence;
    volatile MasterInfoNode published;
    /** Set on the context once the master was told it leads in this term. */
    boolean announced;

    Term(LeaderLatch latch, long session) {
      this.latch = latch;
      this.session = session;
    }
  }

  @Override
  public Future<Void> start(String masterInfoJson, Consumer<Optional<LeaderFence>> leadership,
      Consumer<Optional<MasterInfo>> leaderChanged) {
    Promise<Void> started = Promise.promise();
    // Nothing here waits for ZooKeeper: the latch and the detector act once the client connects,
    // so a master started before its ZooKeeper simply waits as a non-leader.
    context.runOnContext(v -> {
      this.leadership = leadership;
      this.masterInfoJson = masterInfoJson.getBytes(StandardCharsets.UTF_8);
      // Registered before any latch or node: it must see every state change they see.
      client.getConnectionStateListenable().addListener((c, state) -> connectionChanged(state));
      detector = LeaderDetector.create(client, path, task -> context.runOnContext(x -> task.run()));
      detector.addListener(leaderChanged::accept);
      detector.start();
      latch = newLatch();
      LeaderLatch first = latch;
      lane.execute(() -> startLatch(first));
      // Every sixth of the session: an answer may take up to half the session (lease minus period)
      // before the lease runs out, so a slow but live ZooKeeper does not end a term.
      long period = Math.max(1, sessionTimeout.toMillis() / 6);
      renewer.scheduleAtFixedRate(() -> {
        try {
          renewLease();
        } catch (RuntimeException e) {
          // A periodic task that throws is never run again: log, and renew at the next period.
          log.warn("Could not renew the leader lease", e);
        }
      }, period, period, TimeUnit.MILLISECONDS);
      started.complete();
    });
    return started.future();
  }

  /** On Curator's event thread: never blocks, and acts before the context hears of it. */
  private void connectionChanged(ConnectionState state) {
    Term t = current;
    if (state == ConnectionState.SUSPENDED) {
      disconnected = true;
      if (t != null) {
        t.fence.suspend("the ZooKeeper connection is SUSPENDED");
        log.warn("Leading suspended: the ZooKeeper connection is SUSPENDED; waiting to learn whether the session lives");
      }
    } else if (state == ConnectionState.LOST) {
      disconnected = true;
      sessionLost = true;
      if (t != null) {
        t.fence.breakFence("the ZooKeeper session was LOST");
        closePublished(t);
      }
    } else if (state.isConnected()) {
      disconnected = false;
      if (sessionLost) {
        sessionLost = false;
        // The old session's latch node is gone with it: a fresh latch joins under the new session.
        LeaderLatch stale = latch;
        context.runOnContext(v -> rejoin("the ZooKeeper session was lost", stale));
      } else if (t != null && !t.fence.isBroken()) {
        confirm(t, t.fence.suspensions(), ticker.getAsLong());
      }
    }
  }

  /**
   * Asks ZooKeeper, without blocking, whether the term's latch node still exists as its session's
   * own. Yes renews the lease from {@code sentAt} and ends suspension number {@code suspension}
   * (unless a newer one began meanwhile); no breaks the fence; no answer (the connection dropped
   * again) changes nothing, and the next state change or renewal decides.
   */
  private void confirm(Term t, long suspension, long sentAt) {
    LeaderFence fence = t.fence;
    try {
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      if (session != t.session) {
        fence.breakFence("the ZooKeeper session changed from 0x" + Long.toHexString(t.session) + " to 0x"
            + Long.toHexString(session));
        return;
      }
      client.checkExists().inBackground((c, event) -> {
        renewalSentAt.compareAndSet(sentAt, Long.MIN_VALUE);
        Stat stat = event.getStat();
        if (event.getResultCode() == KeeperException.Code.OK.intValue() && stat != null
            && stat.getEphemeralOwner() == t.session) {
          fence.renew(sentAt);
          if (fence.resume(suspension)) {
            log.info("Leading resumed in the same term: ZooKeeper still holds latch node {} of session 0x{}",
                fence.node(), Long.toHexString(t.session));
          }
        } else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
          fence.breakFence("the leader latch node " + fence.node() + " is gone");
        } else if (stat != null) {
          fence.breakFence("the leader latch node " + fence.node() + " belongs to another session");
        }
      }).forPath(fence.node());
    } catch (Exception e) {
      renewalSentAt.compareAndSet(sentAt, Long.MIN_VALUE);
      log.debug("Could not check the leader latch node {}: {}", fence.node(), e.toString());
    }
  }

  private LeaderLatch newLatch() {
    LeaderLatch fresh = new LeaderLatch(client, path + "/" + LATCH, participantId, LeaderLatch.CloseMode.SILENT);
    fresh.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        elected(fresh);
      }

      @Override
      public void notLeader() {
        // The latch says so on every SUSPENDED, when the session may well live on: the term is
        // suspended already, and ZooKeeper decides whether it ends (see #confirm).
        Term t = term;
        if (t != null && t.latch == fresh && !disconnected) {
          confirm(t, -1, ticker.getAsLong());
        }
      }
    }, task -> context.runOnContext(v -> task.run()));
    return fresh;
  }

  /** On the context. Idempotent: a term already held, a stale latch or a doubtful connection start nothing. */
  private void elected(LeaderLatch won) {
    if (closed || won != latch || term != null || disconnected || !won.hasLeadership()) {
      return;
    }
    String latchNode = won.getOurPath();
    if (latchNode == null) {
      return;
    }
    long session;
    try {
      session = client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return;
    }
    Term t = new Term(won, session);
    t.fence = new LeaderFence(latchNode, ticker, lease(), why -> context.runOnContext(v -> termEnded(t, why)));
    term = t;
    current = t;
    if (disconnected) {
      // The connection was suspended between the check above and publishing the term: a term not
      // announced yet is not worth resuming.
      t.fence.breakFence("the ZooKeeper connection is SUSPENDED");
    }
    log.info("Won the election with latch node {}; publishing MasterInfo under {}", latchNode, path);
    lane.execute(() -> publish(t));
  }

  /**
   * Two thirds of the session timeout, as the ZooKeeper client's own read timeout: of the one asked
   * for, or of the one ZooKeeper granted when that is shorter (a server's maximum caps it).
   */
  private Duration lease() {
    long session = sessionTimeout.toMillis();
    int granted = client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
    if (granted > 0) {
      session = Math.min(session, granted);
    }
    return Duration.ofMillis(Math.max(1, session * 2 / 3));
  }

  /**
   * On the renewing thread: one asynchronous read of the term's latch node (see {@link #confirm}).
   * Its answer renews the lease from the moment it was sent and resumes a suspended term whose
   * session it proves alive; a missing node breaks the fence. A
   * read still unanswered after a session timeout is not waited for any longer: the lease has run
   * out by then anyway. Renewals go on while the lease has run out: one sent after a freeze and
   * answered is what lets the term act again.
   */
  private void renewLease() {
    Term t = current;
    if (t == null || t.fence.isBroken()) {
      return;
    }
    // Nothing vouched for the term for a whole session timeout: ZooKeeper has ended the session, or
    // may at any moment, and another master may be elected. Waiting for Curator's LOST (a session
    // timeout after SUSPENDED, which itself comes late on a silent network) would only keep the
    // term's streams open for longer, away from the next leader.
    if (t.fence.overdueBy(sessionTimeout.minus(lease()))) {
      t.fence.breakFence("no ZooKeeper answer vouched for the term for a whole session timeout ("
          + sessionTimeout.toMillis() + "ms)");
      return;
    }
    // Read before the connection is: a suspension that begins after this is not resumed by this renewal.
    long suspension = t.fence.suspensions();
    if (disconnected) {
      return;
    }
    long sentAt = ticker.getAsLong();
    long inFlight = renewalSentAt.get();
    if (inFlight != Long.MIN_VALUE && sentAt - inFlight < sessionTimeout.toNanos()
        || !renewalSentAt.compareAndSet(inFlight, sentAt)) {
      return;
    }
    // Sent while connected, an answer that finds the node as its session's own also ends the
    // suspension: the confirmation sent on RECONNECTED may have been lost (the connection dropped
    // again, the server it reached left the ensemble), and a term must not stay suspended for good
    // while its session lives and the latch node blocks every other master.
    confirm(t, suspension, sentAt);
  }

  /** On the lane: the json.info_ node, and only once it exists is the master told it leads. */
  private void publish(Term t) {
    if (faltered(t)) {
      return;
    }
    sweepOwnInfoNodes();
    MasterInfoNode node = new MasterInfoNode(client, path, masterInfoJson);
    node.start();
    t.published = node;
    if (faltered(t)) {
      // Broken while the node was being made: Curator's thread may have missed it.
      closePublished(t);
      return;
    }
    boolean created = awaitCreated(t, node);
    context.runOnContext(v -> {
      if (term != t || faltered(t)) {
        return;
      }
      if (!created) {
        t.fence.breakFence("could not publish MasterInfo under " + path + " within " + publishTimeout.toMillis() + "ms");
        return;
      }
      t.announced = true;
      log.info("Elected leader; published {}", node.getActualPath());
      leadership.accept(Optional.of(t.fence));
    });
  }

  /**
   * True when a term not announced yet lost its footing: a term that was never acted on is not
   * worth suspending, so a doubt (a suspended connection, a lease run out) breaks it at once.
   */
  private static boolean faltered(Term t) {
    if (t.fence.holds()) {
      return false;
    }
    t.fence.breakFence("before it was announced: " + t.fence.whyNotHolding().orElse("the fence broke"));
    return true;
  }

  private boolean awaitCreated(Term t, MasterInfoNode node) {
    long deadline = System.nanoTime() + publishTimeout.toNanos();
    try {
      while (t.fence.holds() && System.nanoTime() < deadline) {
        if (node.waitForInitialCreate(100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException closedMeanwhile) {
      // Closed on Curator's thread: the fence is broken too.
    }
    return false;
  }

  /** On the context, once per term. */
  private void termEnded(Term t, String why) {
    if (term != t) {
      return;
    }
    term = null;
    current = null;
    log.warn("Stepping down: {}", why);
    closePublished(t);
    lane.execute(this::sweepOwnInfoNodes);
    if (t.announced) {
      leadership.accept(Optional.empty());
    }
    // Broken while connected and while the latch still thinks it leads: the latch node is gone
    // (the registry found it missing), so the latch would never notice. A fresh one takes its place.
    if (!disconnected && t.latch.hasLeadership()) {
      rejoin(why, t.latch);
    }
  }

  /**
   * On the context: the stale latch is dropped and a fresh one joins the election, unless the
   * stale one was replaced already (two signs of the same loss, such as a broken fence and the
   * reconnection after a LOST, make one fresh latch).
   */
  private void rejoin(String why, LeaderLatch stale) {
    if (closed || latch != stale) {
      return;
    }
    Term t = term;
    if (t != null) {
      t.fence.breakFence(why);
    }
    LeaderLatch old = latch;
    latch = newLatch();
    LeaderLatch fresh = latch;
    log.info("Joining the election again with a fresh latch: {}", why);
    lane.execute(() -> {
      closeLatch(old);
      startLatch(fresh);
    });
  }

  private static void closePublished(Term t) {
    MasterInfoNode node = t.published;
    if (node != null) {
      try {
        node.close();
      } catch (IOException | RuntimeException e) {
        log.warn("Could not close the json.info_ node {}: {}", node.getActualPath(), e.toString());
      }
    }
  }

  /**
   * On the lane: deletes json.info_ nodes this session owns while no term publishes one. An
   * unprotected sequential create that Curator retried after a connection loss leaves such a
   * duplicate, which would name this master leader after it stepped down.
   */
  private void sweepOwnInfoNodes() {
    long session;
    java.util.List<String> children;
    try {
      if (!client.getZookeeperClient().isConnected()) {
        return;
      }
      session = client.getZookeeperClient().getZooKeeper().getSessionId();
      children = client.getChildren().forPath(path);
    } catch (Exception e) {
      log.debug("Could not list json.info_ nodes under {}: {}", path, e.toString());
      return;
    }
    for (String child : children) {
      if (MasterInfos.sequence(child) < 0) {
        continue;
      }
      try {
        Stat stat = client.checkExists().forPath(path + "/" + child);
        if (stat != null && stat.getEphemeralOwner() == session && current == null) {
          client.delete().withVersion(stat.getVersion()).forPath(path + "/" + child);
          log.info("Deleted {}/{}, a json.info_ node this master left behind", path, child);
        }
      } catch (KeeperException.NoNodeException gone) {
        // Its own background delete was faster.
      } catch (Exception e) {
        log.debug("Could not sweep {}/{}: {}", path, child, e.toString());
      }
    }
  }

  private void startLatch(LeaderLatch fresh) {
    try {
      fresh.start();
    } catch (Exception e) {
      log.error("Could not join the election under {}", path, e);
    }
  }

  private static void closeLatch(LeaderLatch old) {
    try {
      if (old.getState() == LeaderLatch.State.STARTED) {
        old.close();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Could not close the old leader latch: {}", e.toString());
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
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (closing != null) {
        closing.onComplete(done);
        return;
      }
      closing = done.future();
      closed = true;
      Term t = term;
      term = null;
      current = null;
      if (t != null) {
        t.fence.breakFence("the master is closing");
        closePublished(t);
        if (t.announced) {
          leadership.accept(Optional.empty());
        }
      }
      renewer.shutdownNow();
      LeaderLatch last = latch;
      LeaderDetector watching = detector;
      lane.execute(() -> {
        if (last != null) {
          closeLatch(last);
        }
        if (watching != null) {
          watching.close();
        }
        sweepOwnInfoNodes();
        context.runOnContext(x -> done.complete());
      });
      lane.shutdown();
    });
    return done.future();
  }
}
