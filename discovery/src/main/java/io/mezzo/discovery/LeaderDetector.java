package io.mezzo.discovery;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.MasterInfo;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which master leads, the way Mesos's detectors find it: under the ZooKeeper path, each
 * master publishes an ephemeral sequential child {@code json.info_<sequence>} holding its
 * MasterInfo as JSON, and the lowest sequence leads ({@link MasterInfos#leaderNode}). The one
 * detector of the master (for its redirects), the agent, the framework SDK and the CLI.
 *
 * <p><b>How it watches.</b> Every read lists the path's children with a ZooKeeper watch (or,
 * while the path does not exist, watches for it), so the next change triggers the next read;
 * each (re)connection reads again, since watches do not outlive a session. A read takes the
 * MasterInfo of the lowest {@code json.info_} nodes, cached by node name (a sequential node's
 * data never changes). It never reads the other children: the master's registry lives under the
 * same path and can be large. A node whose data is not MasterInfo JSON is ignored, with one
 * warning, as if it were absent; children with other names are ignored silently. While
 * ZooKeeper is unreachable the last known leader stays. A read refused for another reason (no
 * permission to read the path, say) is logged and tried again every {@value #RETRY_SECONDS} s.
 * Plain watches work with every ZooKeeper version Mesos users run.
 *
 * <p><b>Threads.</b> ZooKeeper is read on the detector's own thread; every listener call and
 * every completion of an {@link #awaitLeader} future runs on the {@link Executor} given at
 * creation (the master and the agent pass their Vert.x context's {@code runOnContext}), in the
 * order the changes were seen when that executor keeps the order of its tasks.
 *
 * <p><b>Lifecycle.</b> {@link #start()} once; {@link #close()} is idempotent and ends the
 * ZooKeeper client too when the detector made it ({@link #create(ZkUrl, Executor)}).
 */
public final class LeaderDetector implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LeaderDetector.class);
  static final long RETRY_SECONDS = 10;

  private final CuratorFramework client;
  private final boolean ownsClient;
  private final String path;
  private final String where;
  private final Executor executor;
  private final ScheduledExecutorService reader;
  private final AtomicBoolean readQueued = new AtomicBoolean();
  private final Watcher watcher = event -> {
    if (event.getType() != Watcher.Event.EventType.None) {
      readSoon();
    }
  };
  private final ConnectionStateListener reconnected = (c, state) -> {
    if (state.isConnected()) {
      readSoon();
    }
  };
  private final Object lock = new Object();

  // Owned by the reader thread: the MasterInfo of each json.info_ node read so far (empty: not MasterInfo).
  private final Map<String, Optional<MasterInfo>> infos = new HashMap<>();

  // Guarded by lock.
  private final List<Consumer<Optional<MasterInfo>>> listeners = new ArrayList<>();
  private final List<CompletableFuture<MasterInfo>> waiters = new ArrayList<>();
  private boolean started;
  private boolean closed;
  private boolean known;

  private volatile Optional<MasterInfo> leader = Optional.empty();
  /** Why the last read of ZooKeeper failed (e.g. no permission), for {@link #awaitLeader}'s message; null after a good one. */
  private volatile String readFailure;

  private LeaderDetector(CuratorFramework client, boolean ownsClient, String path, String where, Executor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.path = Objects.requireNonNull(path, "path");
    this.where = where;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mezzo-leader-detector");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A detector on a Curator client the caller owns: the caller starts it before or after
   * {@link #start()}, and closes it after {@link #close()}.
   *
   * @param path the ZooKeeper path the masters publish under, e.g. {@code /mezzo}
   * @param executor where listeners run and futures complete
   */
  public static LeaderDetector create(CuratorFramework client, String path, Executor executor) {
    return new LeaderDetector(client, false, path, path + " in ZooKeeper", executor);
  }

  /**
   * A detector with its own Curator client for the URL ({@link ZkUrl#curatorBuilder()}: its
   * credentials, Mezzo's default timeouts), started by {@link #start()} and closed by {@link #close()}.
   *
   * @param executor where listeners run and futures complete
   */
  public static LeaderDetector create(ZkUrl url, Executor executor) {
    return new LeaderDetector(url.curatorBuilder().build(), true, url.path(), url.toString(), executor);
  }

  /**
   * Starts watching (and starts the client when the detector made it). Returns at once: the
   * first view comes once ZooKeeper answers.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("The leader detector for " + where + " is closed");
      }
      if (started) {
        throw new IllegalStateException("The leader detector for " + where + " is already started");
      }
      started = true;
      if (ownsClient) {
        client.start();
      }
      client.getConnectionStateListenable().addListener(reconnected);
    }
    if (client.getZookeeperClient().isConnected()) {
      readSoon(); // a client that was connected before: no CONNECTED event will come
    }
    log.info("Looking for the leading master under {}", where);
  }

  /** The leader as last seen; empty before the first answer from ZooKeeper and when no master leads. */
  public Optional<MasterInfo> leader() {
    return leader;
  }

  /**
   * Calls {@code listener} on the executor with the leader (empty when none): first with the
   * view at hand once ZooKeeper has answered (at once if it already has), then at every change.
   * Not after {@link #close()}.
   */
  public void addListener(Consumer<Optional<MasterInfo>> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (closed) {
        return;
      }
      listeners.add(listener);
      if (known) {
        Optional<MasterInfo> now = leader;
        executor.execute(() -> listener.accept(now));
      }
    }
  }

  /**
   * For one-shot users: completes with the leader as soon as one is known, or fails with a
   * {@link TimeoutException} saying what was missing (a connection to ZooKeeper, or a
   * {@code json.info_} node) after {@code timeout}, or with an {@link IllegalStateException}
   * when the detector closes first. Completes on the executor.
   */
  public CompletableFuture<MasterInfo> awaitLeader(Duration timeout) {
    CompletableFuture<MasterInfo> result = new CompletableFuture<>();
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("The leader detector for " + where + " is closed"));
      }
      Optional<MasterInfo> now = leader;
      if (now.isPresent()) {
        executor.execute(() -> result.complete(now.get()));
        return result;
      }
      waiters.add(result);
    }
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> {
      synchronized (lock) {
        waiters.remove(result);
      }
      result.completeExceptionally(new TimeoutException(whyNoLeader(timeout)));
    });
    return result;
  }

  /** Stops watching; no listener is called after this returns, except one already running. Idempotent. */
  @Override
  public void close() {
    List<CompletableFuture<MasterInfo>> pending;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      listeners.clear();
      pending = List.copyOf(waiters);
      waiters.clear();
    }
    client.getConnectionStateListenable().removeListener(reconnected);
    reader.shutdownNow();
    if (ownsClient && started) {
      client.close();
    }
    IllegalStateException closedError = new IllegalStateException("The leader detector for " + where + " was closed");
    pending.forEach(waiter -> executor.execute(() -> waiter.completeExceptionally(closedError)));
  }

  @Override
  public String toString() {
    return "LeaderDetector[" + where + "]";
  }

  /** Reads the children on the reader thread; requests that come while one is queued share it. */
  private void readSoon() {
    if (readQueued.compareAndSet(false, true)) {
      try {
        reader.execute(() -> {
          readQueued.set(false);
          read();
        });
      } catch (RejectedExecutionException e) {
        // closed
      }
    }
  }

  private void read() {
    List<String> children;
    try {
      children = watchedChildren();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      failed("list " + path, e);
      return;
    }
    infos.keySet().retainAll(children);
    List<String> candidates = new ArrayList<>(children);
    Optional<MasterInfo> found = Optional.empty();
    for (Optional<String> node = MasterInfos.leaderNode(candidates); node.isPresent(); node = MasterInfos.leaderNode(candidates)) {
      Optional<MasterInfo> info = infos.get(node.get());
      if (info == null) {
        try {
          info = masterInfo(node.get());
        } catch (KeeperException.NoNodeException e) {
          info = Optional.empty(); // gone since the listing; the watch tells, and this reads again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          failed("read " + path + "/" + node.get(), e);
          return;
        }
      }
      if (info.isPresent()) {
        found = info;
        break;
      }
      candidates.remove(node.get());
    }
    readFailure = null;
    publish(found);
  }

  /**
   * A lost connection is waited out: the reconnection reads again. Anything else (no permission
   * to read, say) sets no watch, so it is worth a warning and another try a little later.
   */
  private void failed(String what, Exception e) {
    readFailure = "cannot " + what + ": " + e.getMessage();
    if (e instanceof KeeperException.ConnectionLossException || e instanceof KeeperException.SessionExpiredException) {
      log.debug("Cannot {} in ZooKeeper: {}", what, e.toString());
    } else {
      log.warn("Cannot {} in ZooKeeper {}, trying again in {} s: {}", what, where, RETRY_SECONDS, e.toString());
      try {
        reader.schedule(this::readSoon, RETRY_SECONDS, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closed) {
        // closed
      }
    }
  }

  /** The children, watched; none (and the path watched for its creation) while the path does not exist. */
  private List<String> watchedChildren() throws Exception {
    try {
      return client.getChildren().usingWatcher(watcher).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      Stat created = client.checkExists().usingWatcher(watcher).forPath(path);
      if (created != null) {
        readSoon(); // created between the two calls
      }
      return List.of();
    }
  }

  /** The node's MasterInfo, remembered; empty (with one warning) when its data is not MasterInfo JSON. */
  private Optional<MasterInfo> masterInfo(String node) throws Exception {
    byte[] data = client.getData().forPath(path + "/" + node);
    Optional<MasterInfo> info;
    try {
      info = Optional.of(JsonCodec.parse(new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8),
          MasterInfo.getDefaultInstance()));
    } catch (ProtocolException | IllegalArgumentException e) {
      log.warn("Ignoring {}/{}: it does not hold MasterInfo JSON ({})", path, node, e.getMessage());
      info = Optional.empty();
    }
    infos.put(node, info);
    return info;
  }

  private void publish(Optional<MasterInfo> now) {
    synchronized (lock) {
      if (closed || (known && now.equals(leader))) {
        return;
      }
      known = true;
      leader = now;
      if (now.isPresent()) {
        MasterInfos.Endpoint at = MasterInfos.endpoint(now.get());
        log.info("Leading master under {}: {} at {}:{}", where, now.get().getId(), at.host(), at.port());
      } else {
        log.info("No leading master under {} (no {} node)", where, Wire.MASTER_INFO_PREFIX);
      }
      for (Consumer<Optional<MasterInfo>> listener : listeners) {
        executor.execute(() -> listener.accept(now));
      }
      if (now.isPresent()) {
        for (CompletableFuture<MasterInfo> waiter : waiters) {
          executor.execute(() -> waiter.complete(now.get()));
        }
        waiters.clear();
      }
    }
  }

  private String whyNoLeader(Duration timeout) {
    String failure = readFailure;
    String why;
    if (!client.getZookeeperClient().isConnected()) {
      why = "cannot connect to ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString();
    } else if (failure != null) {
      why = failure;
    } else {
      why = "no master has published a " + Wire.MASTER_INFO_PREFIX + " node under " + path;
    }
    return "No leading master found under " + where + " within " + timeout.toMillis() + " ms: " + why;
  }
}
