package io.mezzo.agent;

import io.mezzo.agent.detector.MasterAddress;
import io.mezzo.agent.executors.ExecutorView;
import io.mezzo.agent.tasks.TaskView;
import io.mezzo.v1.Protos.AgentID;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The agent's {@code GET /state} document. */
final class AgentStateJson {
  private AgentStateJson() {}

  static JsonObject render(AgentID agentId, String hostname, int port, MasterAddress master, boolean registered,
      List<TaskView> tasks, List<ExecutorView> executors) {
    JsonArray taskList = new JsonArray();
    for (TaskView task : tasks) {
      taskList.add(new JsonObject()
          .put("id", task.id())
          .put("framework_id", task.frameworkId())
          .put("state", task.state().name())
          .put("sandbox", task.sandbox()));
    }
    JsonArray executorList = new JsonArray();
    for (ExecutorView executor : executors) {
      executorList.add(new JsonObject()
          .put("id", executor.id())
          .put("framework_id", executor.frameworkId())
          .put("container", executor.containerId())
          .put("pid", executor.pid())
          .put("subscribed", executor.subscribed())
          .put("state", executor.state())
          .put("sandbox", executor.sandbox())
          .put("tasks", new JsonArray(executor.tasks())));
    }
    return new JsonObject()
        .put("id", agentId == null ? null : agentId.getValue())
        .put("hostname", hostname)
        .put("port", port)
        .put("master", master == null ? null : master.toString())
        .put("registered", registered)
        .put("tasks", taskList)
        .put("executors", executorList);
  }
}
