package io.mezzo.protocol;

import io.mezzo.v1.Protos.MasterInfo;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * How a leading master is found in ZooKeeper and reached, as Mesos's detectors do it: every
 * master contending publishes an ephemeral sequential node {@code json.info_<sequence>} holding
 * its MasterInfo as JSON, the lowest sequence leads, and its MasterInfo says where it listens.
 * Shared by the master's election, the agent's detector and the SDK's.
 */
public final class MasterInfos {
  /** Mesos's sequence numbers have 10 digits; more than 18 would not fit a long. */
  private static final int MAX_DIGITS = 18;

  private MasterInfos() {}

  /** Where a master listens. */
  public record Endpoint(String host, int port) {}

  /** The leader among a ZooKeeper node's children: the {@code json.info_<digits>} with the lowest sequence. */
  public static Optional<String> leaderNode(Collection<String> children) {
    return children.stream()
        .filter(name -> sequence(name) >= 0)
        .min(Comparator.comparingLong(MasterInfos::sequence));
  }

  /** The sequence number of a {@code json.info_<digits>} node name; -1 for any other name. */
  public static long sequence(String name) {
    if (!name.startsWith(Wire.MASTER_INFO_PREFIX)) {
      return -1;
    }
    String digits = name.substring(Wire.MASTER_INFO_PREFIX.length());
    if (digits.isEmpty() || digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(digits);
  }

  /**
   * Where the master a MasterInfo describes listens, as Mesos reads it (its UPID is ip-based):
   * {@code address.ip}, else {@code address.hostname}, else the top-level {@code hostname}, else the
   * packed {@code ip}; the port from {@code address.port}, else the top-level {@code port}.
   */
  public static Endpoint endpoint(MasterInfo info) {
    if (info.hasAddress()) {
      if (info.getAddress().hasIp() && !info.getAddress().getIp().isBlank()) {
        return new Endpoint(info.getAddress().getIp(), info.getAddress().getPort());
      }
      if (info.getAddress().hasHostname() && !info.getAddress().getHostname().isBlank()) {
        return new Endpoint(info.getAddress().getHostname(), info.getAddress().getPort());
      }
      return new Endpoint(fallbackHost(info), info.getAddress().getPort());
    }
    return new Endpoint(fallbackHost(info), info.getPort());
  }

  private static String fallbackHost(MasterInfo info) {
    if (info.hasHostname() && !info.getHostname().isBlank()) {
      return info.getHostname();
    }
    int ip = info.getIp(); // network byte order packed into a little-endian uint32, as Mesos writes it
    return (ip & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 24) & 0xff);
  }
}
