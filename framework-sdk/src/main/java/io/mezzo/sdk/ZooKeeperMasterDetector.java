package io.mezzo.sdk;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.discovery.ZkUrl;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.MasterInfo;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the leader in ZooKeeper with the shared {@link LeaderDetector} (Mesos layout: masters
 * publish ephemeral sequential {@code <path>/json.info_<sequence>} nodes holding their
 * MasterInfo as JSON; the lowest sequence leads). The detector starts with the first lookup
 * and then follows the leader with a watch, so a lookup after a failover waits only until the
 * new leader has published itself.
 */
final class ZooKeeperMasterDetector implements MasterDetector {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperMasterDetector.class);
  /** How long one lookup waits for a leader before the client backs off and tries again. */
  static final Duration LOOKUP_WAIT = Duration.ofSeconds(10);

  private final ZkUrl url;
  private final Duration wait;
  private LeaderDetector detector; // guarded by this
  private boolean closed; // guarded by this

  ZooKeeperMasterDetector(ZkUrl url, Duration wait) {
    this.url = url;
    this.wait = wait;
  }

  /** @throws IllegalArgumentException naming what is wrong with the URL ({@link ZkUrl#parse}) */
  static ZooKeeperMasterDetector parse(String url) {
    return new ZooKeeperMasterDetector(ZkUrl.parse(url), LOOKUP_WAIT);
  }

  ZkUrl url() {
    return url;
  }

  @Override
  public URI schedulerEndpoint() throws InterruptedException {
    MasterInfo leader;
    try {
      // The connection thread blocks here; the SDK has no other use for the detector's executor.
      leader = started().awaitLeader(wait).get();
    } catch (ExecutionException e) {
      throw new MasterNotFoundException(e.getCause().getMessage(), e.getCause());
    }
    URI endpoint = endpointOf(leader);
    log.debug("Leading master in ZooKeeper {}: {}", url, endpoint);
    return endpoint;
  }

  /** The leader the detector's watch follows, once a first lookup started it. */
  @Override
  public synchronized java.util.Optional<URI> knownEndpoint() {
    return detector == null ? java.util.Optional.empty() : detector.leader().map(ZooKeeperMasterDetector::endpointOf);
  }

  /** The scheduler API endpoint of the master MasterInfo describes ({@link MasterInfos#endpoint}). */
  static URI endpointOf(MasterInfo info) {
    MasterInfos.Endpoint endpoint = MasterInfos.endpoint(info);
    String host = endpoint.host();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + endpoint.port() + Wire.SCHEDULER_PATH);
  }

  private synchronized LeaderDetector started() {
    if (closed) {
      throw new MasterNotFoundException("The detector is closed");
    }
    if (detector == null) {
      detector = LeaderDetector.create(url, Runnable::run);
      detector.start();
    }
    return detector;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (detector != null) {
      detector.close();
      detector = null;
    }
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
