package io.mezzo.agent.detector;

import io.mezzo.protocol.MasterInfos;
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

  /** Where the master a MasterInfo describes listens ({@link MasterInfos#endpoint}: its ip first, as Mesos). */
  public static MasterAddress of(MasterInfo info) {
    MasterInfos.Endpoint endpoint = MasterInfos.endpoint(info);
    return new MasterAddress(endpoint.host(), endpoint.port());
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
