package io.mezzo.agent.support;

import io.mezzo.discovery.ZkUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where the agent finds its master: a ZooKeeper URL ({@link ZkUrl}'s syntax,
 * {@code zk://[user:password@]host[:port][,host[:port]...]/path}; the leader is the lowest
 * {@code json.info_} node under the path) or {@code http://host:port} (one fixed master). As with
 * Mesos, whether the agent speaks HTTPS to its master is the agent's own setting (a CA to check the
 * master with), not the URL's: {@code https://host:port} is taken as the same fixed master.
 */
public sealed interface MasterUrl {
  int DEFAULT_MASTER_PORT = 5050;

  /** Masters elected in ZooKeeper. */
  record ZooKeeper(ZkUrl url) implements MasterUrl {
    public ZooKeeper {
      Objects.requireNonNull(url, "url");
    }

    /** Curator's {@code host:port,host:port}. */
    public String connectString() {
      return url.connectString();
    }

    public String path() {
      return url.path();
    }

    @Override
    public String toString() {
      return url.toString();
    }
  }

  /** One master at a fixed address. */
  record Fixed(String host, int port) implements MasterUrl {
    @Override
    public String toString() {
      return "http://" + host + ":" + port;
    }
  }

  /**
   * Parses a {@code --master} value.
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  static MasterUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("The master URL is empty; expected " + ZkUrl.SYNTAX + " or http://host:port");
    }
    String trimmed = text.trim();
    if (trimmed.startsWith(ZkUrl.SCHEME)) {
      return new ZooKeeper(ZkUrl.parse(trimmed));
    }
    if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
      return parseFixed(trimmed);
    }
    throw new IllegalArgumentException(
        "Bad master URL '" + text + "': expected " + ZkUrl.SYNTAX + " or http://host:port");
  }

  private static MasterUrl parseFixed(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': " + e.getMessage(), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': no host");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': expected no path, got '" + uri.getRawPath() + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': expected only http://host:port");
    }
    int port = uri.getPort() < 0 ? DEFAULT_MASTER_PORT : uri.getPort();
    if (port == 0 || port > 65535) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': port " + port + " is out of range");
    }
    return new Fixed(uri.getHost(), port);
  }
}
