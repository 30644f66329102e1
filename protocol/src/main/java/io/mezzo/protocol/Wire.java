package io.mezzo.protocol;

/** Paths and headers of Mezzo's HTTP APIs, named once for servers and clients. */
public final class Wire {
  /** The Mesos v1 scheduler API. The Mesos C++ client library uses the second form. */
  public static final String SCHEDULER_PATH = "/api/v1/scheduler";
  public static final String SCHEDULER_PATH_LIBPROCESS = "/master/api/v1/scheduler";

  /** The Mesos v1 executor API, served by each agent. */
  public static final String EXECUTOR_PATH = "/api/v1/executor";

  /** The internal agent channel on the master (see mezzo/internal/agent.proto). */
  public static final String AGENT_CHANNEL_PATH = "/internal/agent";

  /** Issued on SUBSCRIBE, required on every later scheduler call. */
  public static final String MESOS_STREAM_ID = "Mesos-Stream-Id";

  /** Issued on agent REGISTER, required on every later agent call. */
  public static final String AGENT_STREAM_ID = "Mezzo-Stream-Id";

  /** Mesos's heartbeat interval on scheduler streams, which frameworks cannot change. */
  public static final double HEARTBEAT_INTERVAL_SECONDS = 15.0;

  /** ZooKeeper child-node prefix under which masters publish their MasterInfo JSON (Mesos layout). */
  public static final String MASTER_INFO_PREFIX = "json.info_";

  private Wire() {}
}
