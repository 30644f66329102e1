package io.mezzo.master.state;

import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The master's view of one agent. */
final class AgentRecord {
  final String id;
  /** The agent's id as a message, shared by the records of its tasks. */
  final AgentID protoId;
  AgentInfo info;
  Resources total;
  List<String> runtimes;
  EventSink<AgentEvent> stream;
  /** Tasks on this agent, keyed by framework id and task id. */
  final Map<TaskKey, TaskRecord> tasks = new LinkedHashMap<>();
  /** Executors on this agent, keyed by framework id + "/" + executor id. */
  final Map<String, ExecutorRecord> executors = new LinkedHashMap<>();
  long removalTimer = -1;
  /** The health check's timer, and its count of pings in a row the agent left unanswered; see {@link AgentPings}. */
  long pingTimer = -1;
  int pingsMissed;
  /** The agent sent something since the last ping. */
  boolean heardSincePing;
  final long registeredAtMillis;
  /** The scheme of the agent's HTTP API, as it last registered ("http" or "https"). */
  String scheme = "http";

  AgentRecord(String id, AgentInfo info, Resources total, List<String> runtimes, long registeredAtMillis) {
    this.id = id;
    this.protoId = AgentID.newBuilder().setValue(id).build();
    this.info = info;
    this.total = total;
    this.runtimes = runtimes;
    this.registeredAtMillis = registeredAtMillis;
  }

  boolean connected() {
    return stream != null;
  }

  void send(AgentEvent event) {
    if (stream != null) {
      stream.send(event);
    }
  }

  static TaskKey taskKey(String frameworkId, String taskId) {
    return new TaskKey(frameworkId, taskId);
  }

  /**
   * A task's key on its agent. Its parts are the strings the framework's and the task's records
   * already hold, where a joined string would be one more copy of both per task.
   */
  record TaskKey(String frameworkId, String taskId) {}
}
