package io.mezzo.master.state;

import io.mezzo.master.spi.AgentResources;
import io.mezzo.v1.Protos.ExecutorInfo;

/** A framework's custom (or default) executor running on an agent, holding its own resources. */
final class ExecutorRecord {
  final String frameworkId;
  final String agentId;
  final String role;
  final ExecutorInfo info;
  final AgentResources resources;

  ExecutorRecord(String frameworkId, String agentId, String role, ExecutorInfo info, AgentResources resources) {
    this.frameworkId = frameworkId;
    this.agentId = agentId;
    this.role = role;
    this.info = info;
    this.resources = resources;
  }

  String id() {
    return info.getExecutorId().getValue();
  }

  static String key(String frameworkId, String executorId) {
    return frameworkId + "/" + executorId;
  }
}
