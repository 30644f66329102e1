package io.mezzo.sdk;

import io.mezzo.discovery.ZkUrl;
import java.net.URI;

/**
 * Finds the leading master. Called only from the client's connection thread, before each
 * SUBSCRIBE attempt; never cached across reconnects, so a new leader is found after failover.
 */
interface MasterDetector extends AutoCloseable {

  /**
   * The scheduler API endpoint of the current leader, e.g. {@code http://10.0.0.1:5050/api/v1/scheduler}.
   * May block (ZooKeeper reads).
   *
   * @throws MasterNotFoundException when no leader can be found now; the caller retries with backoff
   */
  URI schedulerEndpoint() throws InterruptedException;

  /**
   * The leader's endpoint as the detector knows it right now, without waiting or asking anyone;
   * empty when it does not follow the leader (a fixed URL) or knows of none. The client checks it
   * while it backs off, to try a new leader at once rather than at the end of a grown backoff.
   */
  default java.util.Optional<URI> knownEndpoint() {
    return java.util.Optional.empty();
  }

  /** Releases connections (the ZooKeeper session); idempotent. */
  @Override
  void close();

  /**
   * {@link #forUrl(String)}, speaking HTTPS to every endpoint it finds when {@code https} (a client
   * that trusts the cluster CA), whatever scheme the URL had.
   */
  static MasterDetector forUrl(String master, boolean https) {
    MasterDetector detector = forUrl(master);
    return https ? new HttpsMasterDetector(detector) : detector;
  }

  /**
   * A detector for {@code zk://[user:password@]host[:port][,host[:port]...]/path} ({@link ZkUrl}) or
   * {@code http(s)://host:port[/prefix]}.
   *
   * @throws IllegalArgumentException naming what is wrong with the URL
   */
  static MasterDetector forUrl(String master) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("The master URL is empty");
    }
    String trimmed = master.strip();
    if (trimmed.startsWith(ZkUrl.SCHEME)) {
      return ZooKeeperMasterDetector.parse(trimmed);
    }
    if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
      return FixedMasterDetector.parse(trimmed);
    }
    throw new IllegalArgumentException(
        "Unsupported master URL '" + master + "': expected " + ZkUrl.SYNTAX + " or http://host:port");
  }
}
