package io.mezzo.master.election;

/** A Mesos-style ZooKeeper URL, {@code zk://host1:port1,host2:port2/path}. */
public record ZkUrl(String connectString, String path) {

  /** @throws IllegalArgumentException naming what is wrong with the URL */
  public static ZkUrl parse(String url) {
    if (url == null || !url.startsWith("zk://")) {
      throw new IllegalArgumentException("ZooKeeper URL must look like zk://host:port/path, got: " + url);
    }
    String rest = url.substring("zk://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("ZooKeeper URL needs hosts and a path (zk://host:port/path), got: " + url);
    }
    String hosts = rest.substring(0, slash);
    String path = rest.substring(slash);
    if (hosts.contains("@")) {
      throw new IllegalArgumentException("ZooKeeper credentials in the URL are not supported yet: " + url);
    }
    for (String host : hosts.split(",")) {
      int colon = host.lastIndexOf(':');
      if (colon <= 0 || colon == host.length() - 1) {
        throw new IllegalArgumentException("ZooKeeper host must be host:port, got '" + host + "' in " + url);
      }
      try {
        int port = Integer.parseInt(host.substring(colon + 1));
        if (port <= 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid ZooKeeper port in '" + host + "' of " + url);
      }
    }
    if (path.length() < 2 || path.endsWith("/") || path.contains("//")) {
      throw new IllegalArgumentException("Invalid ZooKeeper path '" + path + "' in " + url);
    }
    return new ZkUrl(hosts, path);
  }
}
