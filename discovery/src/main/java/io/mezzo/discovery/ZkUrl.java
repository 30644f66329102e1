package io.mezzo.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.ACL;

/**
 * A ZooKeeper URL in the syntax of Mesos's {@code --zk} and {@code --master} flags:
 * {@code zk://[user:password@]host1[:port1][,host2[:port2]...]/path}.
 *
 * <ul>
 *   <li>several hosts, comma-separated; a host without a port gets {@value #DEFAULT_PORT}; an IPv6
 *       address goes in brackets ({@code [::1]:2181});
 *   <li>optional {@code user:password} credentials, sent with ZooKeeper's {@code digest} scheme
 *       (the password may contain {@code :} and {@code @}, the user neither);
 *   <li>a path below the root, without empty, {@code .} or {@code ..} segments; trailing
 *       {@code /} are dropped, so {@code zk://h/mezzo/} is {@code zk://h:2181/mezzo}.
 * </ul>
 *
 * <p>The master's {@code --zk}, the agent's and the SDK's {@code --master zk://…} and the CLI
 * all parse with this class, so a URL means the same everywhere. Immutable; {@link #toString()}
 * never shows the password.
 */
public final class ZkUrl {
  public static final String SCHEME = "zk://";
  public static final int DEFAULT_PORT = 2181;
  /** The syntax, for error messages and help texts. */
  public static final String SYNTAX = "zk://[user:password@]host[:port][,host[:port]...]/path";

  /**
   * Read for anyone, everything for the identity that created the node (Mesos's ACL for its
   * znodes). Not a {@code List.of}: ZooKeeper asks the list whether it contains null.
   */
  public static final List<ACL> EVERYONE_READ_CREATOR_ALL = Collections.unmodifiableList(Arrays.asList(
      new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
      new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS)));

  /** Session and connection timeouts and retries every Mezzo client starts from. */
  private static final int SESSION_TIMEOUT_MS = 10_000;
  private static final int CONNECTION_TIMEOUT_MS = 5_000;

  private final List<String> servers;
  private final String path;
  private final Credentials credentials;

  private ZkUrl(List<String> servers, String path, Credentials credentials) {
    this.servers = List.copyOf(servers);
    this.path = path;
    this.credentials = credentials;
  }

  /**
   * Parses a URL; surrounding whitespace is ignored.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing a password)
   */
  public static ZkUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("The ZooKeeper URL is empty; expected " + SYNTAX);
    }
    String url = text.strip();
    if (!url.startsWith(SCHEME)) {
      throw new IllegalArgumentException("'" + masked(url) + "' is not a ZooKeeper URL; expected " + SYNTAX);
    }
    String rest = url.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw bad(url, "no path after the hosts, as in zk://127.0.0.1:2181/mezzo");
    }
    String authority = rest.substring(0, slash);
    int at = authority.lastIndexOf('@');
    Credentials credentials = at < 0 ? null : credentials(url, authority.substring(0, at));
    String hosts = authority.substring(at + 1);
    if (hosts.isBlank()) {
      throw bad(url, "no host, as in zk://127.0.0.1:2181/mezzo");
    }
    List<String> servers = new ArrayList<>();
    for (String server : hosts.split(",", -1)) {
      servers.add(server(url, server.strip()));
    }
    return new ZkUrl(servers, path(url, rest.substring(slash)), credentials);
  }

  /** The servers as {@code host:port}, in the URL's order. */
  public List<String> servers() {
    return servers;
  }

  /** The servers as ZooKeeper and Curator take them: {@code host1:port1,host2:port2}. */
  public String connectString() {
    return String.join(",", servers);
  }

  /** The ZooKeeper path under which masters publish themselves, e.g. {@code /mezzo}; no trailing {@code /}. */
  public String path() {
    return path;
  }

  public Optional<Credentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  /**
   * A Curator client builder for these servers, authenticated with the URL's credentials (if
   * any), with Mezzo's default session (10 s) and connection (5 s) timeouts and retry policy
   * (exponential from 0.5 s, at most 10 retries of at most 10 s). Callers may change the
   * timeouts and retries; every Mezzo process connects through this, so credentials work the
   * same everywhere.
   *
   * <p>With credentials, every node the client creates (and the parents it creates on the way)
   * gets {@link #EVERYONE_READ_CREATOR_ALL}, as Mesos's masters do: anyone may read the
   * {@code json.info_} nodes to find the leader, and only a client with the same credentials may
   * create, change or delete anything under the path, so none can forge a leader or the registry.
   */
  public CuratorFrameworkFactory.Builder curatorBuilder() {
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(connectString())
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .connectionTimeoutMs(CONNECTION_TIMEOUT_MS)
        .retryPolicy(new ExponentialBackoffRetry(500, 10, 10_000));
    if (credentials != null) {
      builder.authorization("digest", credentials.digest()).aclProvider(new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
          return EVERYONE_READ_CREATOR_ALL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
          return EVERYONE_READ_CREATOR_ALL;
        }
      });
    }
    return builder;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZkUrl other && servers.equals(other.servers) && path.equals(other.path)
        && Objects.equals(credentials, other.credentials);
  }

  @Override
  public int hashCode() {
    return Objects.hash(servers, path, credentials);
  }

  /** The URL in its normal form (every port written), the password shown as {@code ***}. */
  @Override
  public String toString() {
    return SCHEME + (credentials == null ? "" : credentials + "@") + connectString() + path;
  }

  /**
   * ZooKeeper {@code digest} credentials.
   *
   * @param user not empty, without {@code :}
   * @param password not empty
   */
  public record Credentials(String user, String password) {
    public Credentials {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (user.isEmpty() || user.contains(":")) {
        throw new IllegalArgumentException("A ZooKeeper user name must be non-empty and without ':'");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("A ZooKeeper password must not be empty");
      }
    }

    /** {@code user:password}, as ZooKeeper's digest scheme takes it. */
    public byte[] digest() {
      return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return user + ":***";
    }
  }

  private static Credentials credentials(String url, String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw bad(url, "the credentials before '@' must be user:password");
    }
    if (colon == 0) {
      throw bad(url, "the credentials before '@' have an empty user name");
    }
    if (colon == text.length() - 1) {
      throw bad(url, "the credentials before '@' have an empty password");
    }
    return new Credentials(text.substring(0, colon), text.substring(colon + 1));
  }

  private static String server(String url, String server) {
    if (server.isEmpty()) {
      throw bad(url, "an empty host in the host list");
    }
    String host;
    String port = null;
    if (server.startsWith("[")) {
      int close = server.indexOf(']');
      if (close < 0) {
        throw bad(url, "'" + server + "' opens '[' without closing it");
      }
      String address = server.substring(1, close);
      if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        throw bad(url, "'" + server + "' does not hold an IPv6 address in its brackets");
      }
      host = server.substring(0, close + 1);
      String after = server.substring(close + 1);
      if (after.startsWith(":")) {
        port = after.substring(1);
      } else if (!after.isEmpty()) {
        throw bad(url, "unexpected '" + after + "' after the address in '" + server + "'");
      }
    } else {
      int colon = server.indexOf(':');
      if (colon >= 0 && server.indexOf(':', colon + 1) >= 0) {
        throw bad(url, "'" + server + "' has more than one ':'; write an IPv6 address in brackets, as [::1]:2181");
      }
      host = colon < 0 ? server : server.substring(0, colon);
      port = colon < 0 ? null : server.substring(colon + 1);
      if (host.isEmpty()) {
        throw bad(url, "no host name before the port in '" + server + "'");
      }
      if (!host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_'))) {
        throw bad(url, "host '" + host + "' has characters a host name cannot have");
      }
    }
    return host + ":" + (port == null ? DEFAULT_PORT : port(url, server, port));
  }

  private static int port(String url, String server, String text) {
    if (text.isEmpty()) {
      throw bad(url, "no port after ':' in '" + server + "'");
    }
    if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(url, "port '" + text + "' in '" + server + "' is not a number from 1 to 65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw bad(url, "port " + port + " in '" + server + "' is out of range (1-65535)");
    }
    return port;
  }

  private static String path(String url, String raw) {
    String path = raw;
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/")) {
      throw bad(url, "the path must name a node below the root, as /mezzo");
    }
    if (path.contains("//")) {
      throw bad(url, "the path '" + raw + "' has an empty segment ('//')");
    }
    for (String segment : path.substring(1).split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw bad(url, "the path '" + raw + "' has a '" + segment + "' segment");
      }
    }
    try {
      PathUtils.validatePath(path);
    } catch (IllegalArgumentException e) {
      throw bad(url, "ZooKeeper refuses the path '" + raw + "': " + e.getMessage());
    }
    return path;
  }

  private static IllegalArgumentException bad(String url, String what) {
    return new IllegalArgumentException("Bad ZooKeeper URL '" + masked(url) + "': " + what + "; expected " + SYNTAX);
  }

  /** The URL with the password, if any, replaced by {@code ***}. */
  private static String masked(String url) {
    if (!url.startsWith(SCHEME)) {
      return url;
    }
    int slash = url.indexOf('/', SCHEME.length());
    int end = slash < 0 ? url.length() : slash;
    int at = url.lastIndexOf('@', end - 1);
    if (at < SCHEME.length()) {
      return url;
    }
    int colon = url.indexOf(':', SCHEME.length());
    int userEnd = colon >= 0 && colon < at ? colon : at;
    return url.substring(0, userEnd) + ":***" + url.substring(at);
  }
}
