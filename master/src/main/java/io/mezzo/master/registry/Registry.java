package io.mezzo.master.registry;

import io.mezzo.protocol.internal.RegistryRecords;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The registry record in ZooKeeper at {@code <zk path>/registry}: one protobuf
 * {@code mezzo.internal.Registry}, replaced only by compare-and-set writes on the node's
 * version, so a master that lost leadership cannot overwrite what a newer leader wrote.
 * All ZooKeeper I/O runs in {@code executeBlocking}; the futures complete on {@code context}.
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

  public Registry(CuratorFramework curator, String zkPath, Context context) {
    this.curator = Objects.requireNonNull(curator, "curator");
    this.path = (zkPath.endsWith("/") ? zkPath : zkPath + "/") + NODE;
    this.context = Objects.requireNonNull(context, "context");
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
   * Replaces {@code previous} with {@code next} if nobody wrote in between.
   *
   * @return the new version; fails with {@link RegistryException} when the write failed or
   *     {@code previous} is no longer the stored version (nothing is written then), with
   *     {@link RecordTooLarge} before any I/O when {@code next} is over {@link #MAX_RECORD_BYTES}
   */
  public Future<Versioned> write(Versioned previous, RegistryRecords.Registry next) {
    int size = next.getSerializedSize();
    if (size > MAX_RECORD_BYTES) {
      return Future.failedFuture(new RecordTooLarge(size));
    }
    byte[] data = next.toByteArray();
    return context.executeBlocking(() -> {
      try {
        if (previous.version() == Versioned.ABSENT) {
          curator.create().creatingParentsIfNeeded().forPath(path, data);
          return new Versioned(next, 0);
        }
        Stat stat = curator.setData().withVersion(previous.version()).forPath(path, data);
        return new Versioned(next, stat.getVersion());
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
        throw new RegistryException("The registry at " + path + " was changed by another master", e);
      } catch (Exception e) {
        throw new RegistryException("Failed to write the registry at " + path + ": " + e, e);
      }
    });
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

  /** A write refused before it reached ZooKeeper, because the record would be too large. */
  public static final class RecordTooLarge extends RegistryException {
    RecordTooLarge(int size) {
      super("The registry record would be " + size + " bytes, over the limit of " + MAX_RECORD_BYTES
          + " bytes (ZooKeeper's jute.maxbuffer is 1 MiB by default)", null);
    }
  }
}
