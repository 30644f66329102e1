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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which master leads, the way Mesos's detectors find it: under the ZooKeeper path, each
 * master publishes an ephemeral sequential child {@code json.info_<sequence>} holding its
 * MasterInfo as JSON, and the lowest sequence leads ({@link MasterInfos#leaderNode}). The one
 * detector of the master (for its redirects), the agent, the framework SDK and the CLI.
 *
 * <p><b>How it watches.</b> A persistent, non-recursive ZooKeeper watch on the path (Curator's
 * {@link PersistentWatcher}, set again after every reconnection) says when the children change;
 * the detector then lists them and reads the MasterInfo of the lowest {@code json.info_} nodes,
 * caching it by node name (a sequential node's data never changes). It never reads the other
 * children: the master's registry lives under the same path and can be large. A node whose data
 * is not MasterInfo JSON is ignored, with one warning, as if it were absent; children with other
 * names are ignored silently. While ZooKeeper is unreachable the last known leader stays; the
 * children are read again once the connection is back. Needs ZooKeeper 3.6 or later.
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

  private final CuratorFramework client;
  private final boolean ownsClient;
  private final String path;
  private final String where;
  private final Executor executor;
  private final ExecutorService reader;
  private final AtomicBoolean readQueued = new AtomicBoolean();
  private final Object lock = new Object();

  // Owned by the reader thread: the MasterInfo of each json.info_ node read so far (empty: not MasterInfo).
  private final Map<String, Optional<MasterInfo>> infos = new HashMap<>();

  // Guarded by lock.
  private final List<Consumer<Optional<MasterInfo>>> listeners = new ArrayList<>();
  private final List<CompletableFuture<MasterInfo>> waiters = new ArrayList<>();
  private boolean started;
  private boolean closed;
  private boolean known;
  private PersistentWatcher watcher;

  private volatile Optional<MasterInfo> leader = Optional.empty();

  private LeaderDetector(CuratorFramework client, boolean ownsClient, String path, String where, Executor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.path = Objects.requireNonNull(path, "path");
    this.where = where;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.reader = Executors.newSingleThreadExecutor(r -> {
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
      watcher = new PersistentWatcher(client, path, false);
      watcher.getListenable().addListener(event -> {
        if (event.getType() != Watcher.Event.EventType.None) {
          readSoon();
        }
      });
      // Called once the watch is set: at start and after every reconnection.
      watcher.getResetListenable().addListener(this::readSoon);
      watcher.start();
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
    PersistentWatcher stopping;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      listeners.clear();
      pending = List.copyOf(waiters);
      waiters.clear();
      stopping = watcher;
    }
    if (stopping != null) {
      stopping.close();
    }
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
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    }
  }

  private void read() {
    List<String> children;
    try {
      children = client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      children = List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      // The watch is set again after the connection comes back, and that reads again.
      log.debug("Cannot list {}: {}", where, e.toString());
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
          log.debug("Cannot read {}/{}: {}", path, node.get(), e.toString());
          return;
        }
      }
      if (info.isPresent()) {
        found = info;
        break;
      }
      candidates.remove(node.get());
    }
    publish(found);
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
    String why = client.getZookeeperClient().isConnected()
        ? "no master has published a " + Wire.MASTER_INFO_PREFIX + " node under " + path
        : "cannot connect to ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString();
    return "No leading master found under " + where + " within " + timeout.toMillis() + " ms: " + why;
  }
}
