package io.mezzo.sdk;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.MasterInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the leader in ZooKeeper with the Mesos layout: masters create ephemeral sequential
 * children {@code <path>/json.info_<10-digit sequence>} holding their MasterInfo as JSON;
 * the lowest sequence leads. Children with other names are ignored.
 */
final class ZooKeeperMasterDetector implements MasterDetector {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperMasterDetector.class);
  private static final int SESSION_TIMEOUT_MS = 10_000;
  private static final int CONNECTION_TIMEOUT_MS = 5_000;
  private static final int CONNECT_WAIT_MS = 10_000;

  private final String connectString;
  private final String path;
  private final String credentials;
  private CuratorFramework curator;
  private boolean closed;

  ZooKeeperMasterDetector(String connectString, String path, String credentials) {
    this.connectString = connectString;
    this.path = path;
    this.credentials = credentials;
  }

  /** Parses {@code zk://[user:pass@]host:port[,host:port...]/path}. */
  static ZooKeeperMasterDetector parse(String url) {
    String rest = url.substring("zk://".length());
    int slash = rest.indexOf('/');
    if (slash < 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException(
          "Invalid ZooKeeper master URL '" + url + "': expected a path, as in zk://127.0.0.1:2181/mezzo");
    }
    String authority = rest.substring(0, slash);
    String path = rest.substring(slash);
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String credentials = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      credentials = authority.substring(0, at);
      authority = authority.substring(at + 1);
      if (!credentials.contains(":")) {
        throw new IllegalArgumentException(
            "Invalid ZooKeeper master URL: credentials must be user:password (digest scheme)");
      }
    }
    if (authority.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid ZooKeeper master URL '" + url + "': no host, as in zk://127.0.0.1:2181/mezzo");
    }
    for (String hostPort : authority.split(",")) {
      if (hostPort.isBlank()) {
        throw new IllegalArgumentException("Invalid ZooKeeper master URL '" + url + "': empty host in the host list");
      }
    }
    return new ZooKeeperMasterDetector(authority, path, credentials);
  }

  String connectString() {
    return connectString;
  }

  String path() {
    return path;
  }

  @Override
  public URI schedulerEndpoint() throws InterruptedException {
    CuratorFramework zk = connected();
    String leader = leaderNode(children(zk));
    byte[] data;
    try {
      data = zk.getData().forPath(path + "/" + leader);
    } catch (KeeperException.NoNodeException e) {
      throw new MasterNotFoundException("The leading master's node " + path + "/" + leader + " just went away", e);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new MasterNotFoundException("Cannot read " + path + "/" + leader + " from ZooKeeper: " + e.getMessage(), e);
    }
    MasterInfo info;
    try {
      info = JsonCodec.parse(new String(data, StandardCharsets.UTF_8), MasterInfo.getDefaultInstance());
    } catch (ProtocolException e) {
      throw new MasterNotFoundException("The leading master's node " + path + "/" + leader + " does not hold MasterInfo JSON: " + e.getMessage(), e);
    }
    URI endpoint = endpointOf(info);
    log.debug("Leading master in ZooKeeper {}{}: {} ({})", connectString, path, endpoint, leader);
    return endpoint;
  }

  /** The child with the lowest sequence number among {@code json.info_<digits>} ({@link MasterInfos#leaderNode}). */
  static String leaderNode(List<String> children) {
    return MasterInfos.leaderNode(children).orElseThrow(() -> new MasterNotFoundException(
        "No master has registered in ZooKeeper yet (no " + Wire.MASTER_INFO_PREFIX + " node)"));
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

  private List<String> children(CuratorFramework zk) throws InterruptedException {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      throw new MasterNotFoundException("No master has registered in ZooKeeper yet (" + path + " does not exist)", e);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new MasterNotFoundException("Cannot list " + path + " in ZooKeeper " + connectString + ": " + e.getMessage(), e);
    }
  }

  private CuratorFramework connected() throws InterruptedException {
    CuratorFramework zk;
    synchronized (this) {
      if (closed) {
        throw new MasterNotFoundException("The detector is closed");
      }
      if (curator == null) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(SESSION_TIMEOUT_MS)
            .connectionTimeoutMs(CONNECTION_TIMEOUT_MS)
            .retryPolicy(new ExponentialBackoffRetry(500, 3));
        if (credentials != null) {
          builder.authorization("digest", credentials.getBytes(StandardCharsets.UTF_8));
        }
        curator = builder.build();
        curator.start();
      }
      zk = curator;
    }
    if (!zk.blockUntilConnected(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS)) {
      throw new MasterNotFoundException("Cannot connect to ZooKeeper at " + connectString);
    }
    return zk;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (curator != null) {
      curator.close();
      curator = null;
    }
  }

  @Override
  public String toString() {
    return "zk://" + connectString + path;
  }
}
