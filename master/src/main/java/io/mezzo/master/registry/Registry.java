package io.mezzo.master.registry;

import io.mezzo.master.spi.LeaderFence;
import io.mezzo.protocol.internal.RegistryRecords;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * The registry record in ZooKeeper at {@code <zk path>/registry}: one protobuf
 * {@code mezzo.internal.Registry}. One instance per leadership term, bound to the term's
 * {@link LeaderFence}.
 *
 * <p>Every write is one ZooKeeper transaction of two operations: a check that the fence's node
 * (the leader's latch node) still exists, and the compare-and-set of the record on its version.
 * So a master that lost leadership, whether it knows yet or not, cannot write, and a leader
 * cannot overwrite what another wrote. A write refused by the fence breaks the fence (the
 * master steps down); a write while the fence does not hold (broken, or the term suspended) is
 * refused before any I/O, and one that reached ZooKeeper's client before a suspension is still
 * checked against the latch node when the client sends it. Either way
 * nothing changes in ZooKeeper. All ZooKeeper I/O runs in {@code executeBlocking}; the futures
 * complete on {@code context}.
 */
public final class Registry {
  /** The node name under the master's ZooKeeper path. */
  public static final String NODE = "registry";
  /**
   * The largest record Mezzo writes: ZooKeeper refuses a node over {@code jute.maxbuffer} (1 MiB
   * by default) by dropping the client's connection, which would cost this master its leadership
   * and make it retry the same write after re-election. 900 KiB leaves room for the request's own
   * framing and for an ensemble left at the default.
   */
  public static final int MAX_RECORD_BYTES = 900 * 1024;

  private final CuratorFramework curator;
  private final String path;
  private final Context context;
  private final LeaderFence fence;

  /** The registry under {@code zkPath} as the term that holds {@code fence} reads and writes it. */
  public Registry(CuratorFramework curator, String zkPath, Context context, LeaderFence fence) {
    this.curator = Objects.requireNonNull(curator, "curator");
    this.path = (zkPath.endsWith("/") ? zkPath : zkPath + "/") + NODE;
    this.context = Objects.requireNonNull(context, "context");
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  /** The node's full path. */
  public String path() {
    return path;
  }

  /** Reads the record; a missing node reads as an empty record at {@link Versioned#ABSENT}. */
  public Future<Versioned> read() {
    return context.executeBlocking(() -> {
      Stat stat = new Stat();
      try {
        byte[] data = curator.getData().storingStatIn(stat).forPath(path);
        return new Versioned(RegistryRecords.Registry.parseFrom(data), stat.getVersion());
      } catch (KeeperException.NoNodeException e) {
        return new Versioned(RegistryRecords.Registry.getDefaultInstance(), Versioned.ABSENT);
      } catch (Exception e) {
        throw new RegistryException("Failed to read the registry at " + path + ": " + e, e);
      }
    });
  }

  /**
   * Replaces {@code previous} with {@code next} if this master still leads and nobody wrote in between.
   *
   * @return the new version; fails with {@link NotLeading} when the fence is broken or ZooKeeper
   *     finds its node gone (the fence is then broken), with {@link RegistryException} when the
   *     write failed or {@code previous} is no longer the stored version, and with
   *     {@link RecordTooLarge} before any I/O when {@code next} is over {@link #MAX_RECORD_BYTES};
   *     nothing is written in any of these cases
   */
  public Future<Versioned> write(Versioned previous, RegistryRecords.Registry next) {
    int size = next.getSerializedSize();
    if (size > MAX_RECORD_BYTES) {
      return Future.failedFuture(new RecordTooLarge(size));
    }
    if (!fence.holds()) {
      return Future.failedFuture(new NotLeading(path, fence));
    }
    byte[] data = next.toByteArray();
    return context.executeBlocking(() -> {
      if (!fence.holds()) {
        throw new NotLeading(path, fence);
      }
      CuratorOp write = previous.version() == Versioned.ABSENT
          ? curator.transactionOp().create().forPath(path, data)
          : curator.transactionOp().setData().withVersion(previous.version()).forPath(path, data);
      try {
        List<CuratorTransactionResult> results = curator.transaction()
            .forOperations(curator.transactionOp().check().forPath(fence.node()), write);
        Stat stat = results.get(1).getResultStat();
        return new Versioned(next, stat == null ? 0 : stat.getVersion());
      } catch (KeeperException e) {
        if (failedAt(e, 0)) {
          fence.breakFence("a registry write found the leader latch node " + fence.node() + " gone");
          throw new NotLeading(path, fence);
        }
        if (e instanceof KeeperException.BadVersionException || e instanceof KeeperException.NodeExistsException
            || e instanceof KeeperException.NoNodeException) {
          throw new RegistryException("The registry at " + path + " was changed by another master", e);
        }
        throw new RegistryException("Failed to write the registry at " + path + ": " + e, e);
      } catch (Exception e) {
        throw new RegistryException("Failed to write the registry at " + path + ": " + e, e);
      }
    });
  }

  /** True when operation {@code index} of the failed transaction is the one that failed. */
  private static boolean failedAt(KeeperException e, int index) {
    List<OpResult> results = e.getResults();
    if (results == null || results.size() <= index) {
      return false;
    }
    return results.get(index) instanceof OpResult.ErrorResult error
        && error.getErr() != KeeperException.Code.OK.intValue()
        && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue();
  }

  /** A record with the ZooKeeper node version it was read or written at. */
  public record Versioned(RegistryRecords.Registry record, int version) {
    /** The version of a registry that was never written. */
    public static final int ABSENT = -1;
  }

  /** A registry read or write that did not happen. */
  public static class RegistryException extends RuntimeException {
    RegistryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A write refused because this master no longer leads: its fence is broken, or ZooKeeper found its node gone. */
  public static final class NotLeading extends RegistryException {
    NotLeading(String path, LeaderFence fence) {
      super("Refused to write the registry at " + path + ": this master no longer leads ("
          + fence.whyNotHolding().orElse("its leader latch node " + fence.node() + " is gone") + ")", null);
    }
  }

  /** A write refused before it reached ZooKeeper, because the record would be too large. */
  public static final class RecordTooLarge extends RegistryException {
    RecordTooLarge(int size) {
      super("The registry record would be " + size + " bytes, over the limit of " + MAX_RECORD_BYTES
          + " bytes (ZooKeeper's jute.maxbuffer is 1 MiB by default)", null);
    }
  }
}
