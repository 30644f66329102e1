package io.mezzo.master;

import io.mezzo.discovery.ZkUrl;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The master's flags as GET_FLAGS answers them: Mezzo's kebab-case flag names without the
 * leading dashes, string values, and the ZooKeeper URL with its password masked.
 */
final class MasterFlags {
  private MasterFlags() {}

  static Map<String, String> of(MasterConfig config) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("zk", ZkUrl.parse(config.zk()).toString());
    flags.put("ip", config.ip());
    flags.put("hostname", config.hostname() == null ? "" : config.hostname());
    flags.put("port", String.valueOf(config.port()));
    flags.put("allocation-interval", duration(config.allocationInterval()));
    flags.put("agent-reregister-timeout", duration(config.agentReregisterTimeout()));
    flags.put("zk-session-timeout", duration(config.zkSessionTimeout()));
    flags.put("agent-ping-timeout", duration(config.agentPingTimeout()));
    flags.put("max-agent-ping-timeouts", String.valueOf(config.maxAgentPingTimeouts()));
    flags.put("agent-removal-timeout", duration(config.agentRemovalTimeout()));
    flags.put("allocator", config.allocator());
    flags.put("offer-timeout", config.offerTimeout() == null ? "" : duration(config.offerTimeout()));
    flags.put("min-allocatable-resources", config.minAllocatableResources());
    flags.put("max-inflight-body-bytes", String.valueOf(config.limits().inflightBodyBytes()));
    flags.put("max-call-body-bytes", String.valueOf(config.limits().callBodyBytes()));
    flags.put("max-operator-body-bytes", String.valueOf(config.limits().operatorBodyBytes()));
    flags.put("max-stream-queue-bytes", String.valueOf(config.limits().streamQueueBytes()));
    flags.put("body-read-timeout", duration(config.limits().bodyReadTimeout()));
    flags.put("max-subscriptions-per-principal", String.valueOf(config.limits().subscriptionsPerPrincipal()));
    flags.put("offer-history", String.valueOf(config.offerHistory()));
    flags.put("credentials", config.credentials() == null ? "" : config.credentials());
    flags.put("authenticate-http-frameworks", String.valueOf(config.authentication().isOn(Realm.SCHEDULER)));
    flags.put("authenticate-http-readonly", String.valueOf(config.authentication().isOn(Realm.READONLY)));
    flags.put("authenticate-http-readwrite", String.valueOf(config.authentication().isOn(Realm.READWRITE)));
    flags.put("acls", config.acls() == null ? "" : config.acls());
    flags.put("tls-cert", path(config.tls().cert()));
    flags.put("tls-key", path(config.tls().key()));
    flags.put("ca-cert", path(config.tls().ca()));
    flags.put("max-completed-frameworks", String.valueOf(config.maxCompletedFrameworks()));
    flags.put("max-completed-tasks-per-framework", String.valueOf(config.maxCompletedTasksPerFramework()));
    flags.put("max-operator-event-stream-subscribers", String.valueOf(config.maxOperatorEventStreamSubscribers()));
    return flags;
  }

  private static String path(java.nio.file.Path file) {
    return file == null ? "" : file.toString();
  }

  /** Mesos's duration syntax with the unit that states it exactly ({@code 1secs}, {@code 50ms}). */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long secs = ms / 1000;
    if (secs % 60 != 0 || secs == 0) {
      return secs + "secs";
    }
    if (secs % 3600 != 0) {
      return (secs / 60) + "mins";
    }
    if (secs % 86_400 != 0) {
      return (secs / 3600) + "hrs";
    }
    return secs % 604_800 != 0 ? (secs / 86_400) + "days" : (secs / 604_800) + "weeks";
  }
}
