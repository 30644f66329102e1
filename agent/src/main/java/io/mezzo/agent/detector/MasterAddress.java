package io.mezzo.agent.detector;

import io.mezzo.v1.Protos.MasterInfo;
import java.util.Objects;

/** The host and port of a master's HTTP API. */
public record MasterAddress(String host, int port) {
  public MasterAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Master host is empty");
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("Master port " + port + " is out of range");
    }
  }

  /**
   * The address a MasterInfo publishes: {@code address.hostname} (else {@code address.ip}) with
   * {@code address.port}, falling back to the top-level {@code hostname} and {@code port}.
   */
  public static MasterAddress of(MasterInfo info) {
    if (info.hasAddress()) {
      String host = info.getAddress().hasHostname() && !info.getAddress().getHostname().isBlank()
          ? info.getAddress().getHostname()
          : info.getAddress().getIp();
      if (host != null && !host.isBlank()) {
        return new MasterAddress(host, info.getAddress().getPort());
      }
    }
    if (info.hasHostname() && !info.getHostname().isBlank()) {
      return new MasterAddress(info.getHostname(), info.getPort());
    }
    throw new IllegalArgumentException("MasterInfo " + info.getId() + " has neither address nor hostname");
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
