package io.mezzo.agent.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the agent finds its master: {@code zk://host:port[,host:port]/path} (the leader is
 * the lowest {@code json.info_} node under the path) or {@code http://host:port} (one fixed master).
 */
public sealed interface MasterUrl {
  int DEFAULT_MASTER_PORT = 5050;
  int DEFAULT_ZOOKEEPER_PORT = 2181;

  /** Masters elected in ZooKeeper; {@code connectString} is Curator's {@code host:port,host:port}. */
  record ZooKeeper(String connectString, String path) implements MasterUrl {
    @Override
    public String toString() {
      return "zk://" + connectString + path;
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
      throw new IllegalArgumentException("The master URL is empty; expected zk://host:port/path or http://host:port");
    }
    String trimmed = text.trim();
    if (trimmed.startsWith("zk://")) {
      return parseZooKeeper(trimmed);
    }
    if (trimmed.startsWith("http://")) {
      return parseFixed(trimmed);
    }
    throw new IllegalArgumentException(
        "Bad master URL '" + text + "': expected zk://host:port[,host:port]/path or http://host:port");
  }

  private static MasterUrl parseZooKeeper(String text) {
    String rest = text.substring("zk://".length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': missing the ZooKeeper path, e.g. zk://host:2181/mezzo");
    }
    String hosts = rest.substring(0, slash);
    String path = rest.substring(slash);
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/") || path.contains("//")) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': bad ZooKeeper path '" + path + "'");
    }
    if (hosts.contains("@")) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': ZooKeeper credentials are not supported");
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': no ZooKeeper host");
    }
    List<String> servers = new ArrayList<>();
    for (String server : hosts.split(",", -1)) {
      servers.add(hostPort(server.trim(), DEFAULT_ZOOKEEPER_PORT, text));
    }
    return new ZooKeeper(String.join(",", servers), path);
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

  private static String hostPort(String server, int defaultPort, String text) {
    if (server.isEmpty()) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': empty ZooKeeper host");
    }
    int colon = server.lastIndexOf(':');
    if (colon < 0) {
      return server + ":" + defaultPort;
    }
    String host = server.substring(0, colon);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': empty ZooKeeper host in '" + server + "'");
    }
    int port;
    try {
      port = Integer.parseInt(server.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': bad port in '" + server + "'", e);
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("Bad master URL '" + text + "': port " + port + " is out of range");
    }
    return host + ":" + port;
  }
}
