package io.mezzo.agent.executors;

import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.executor.Protos.Call;
import io.mezzo.v1.executor.Protos.Event;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * A custom executor for tests, run by the agent as a process of its own: it subscribes, and
 * for each launched task sends TASK_RUNNING, then TASK_FINISHED unless the task's data is
 * {@code stay}; a KILL gets TASK_KILLED; a MESSAGE comes back as a MESSAGE call prefixed with
 * {@code echo:}; SHUTDOWN makes it exit 0 (without reporting its tasks, so that the agent has
 * to). With {@code MESOS_CHECKPOINT=1} it subscribes again when the agent goes away. Everything
 * it sees goes to stdout, one line each, for the test to read from the sandbox.
 */
public final class EchoExecutor {
  private EchoExecutor() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = new TreeMap<>(System.getenv());
    env.forEach((name, value) -> {
      if (name.startsWith("MESOS_")) {
        say("ENV " + name + "=" + value);
      }
    });
    ExecutorClient client = new ExecutorClient(
        env.get("MESOS_AGENT_ENDPOINT"), env.get("MESOS_FRAMEWORK_ID"), env.get("MESOS_EXECUTOR_ID"))
        .token(env.get(ExecutorTokens.ENV));
    // As Mesos executors of checkpointing frameworks: when the agent goes away, subscribe again
    // as soon as it answers (within the recovery timeout; here two minutes).
    boolean checkpoint = "1".equals(env.get("MESOS_CHECKPOINT"));
    while (true) {
      HttpResponse<InputStream> response;
      try {
        response = checkpoint
            ? org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> client.subscribe(Call.Subscribe.getDefaultInstance()), java.util.Objects::nonNull)
            : client.subscribe(Call.Subscribe.getDefaultInstance());
      } catch (java.io.IOException | org.awaitility.core.ConditionTimeoutException e) {
        say("SUBSCRIBE failed: " + e);
        System.exit(5);
        return;
      }
      say("SUBSCRIBE " + response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse(""));
      if (response.statusCode() != 200) {
        System.exit(3);
      }
      events(client, response);
      say("EOF");
      if (!checkpoint) {
        System.exit(4);
      }
    }
  }

  private static void events(ExecutorClient client, HttpResponse<InputStream> response) throws Exception {
    try (InputStream events = response.body()) {
      for (Event event = ExecutorClient.next(events); event != null; event = ExecutorClient.next(events)) {
        switch (event.getType()) {
          case SUBSCRIBED -> say("SUBSCRIBED container=" + event.getSubscribed().getContainerId().getValue()
              + " agent=" + event.getSubscribed().getAgentInfo().getId().getValue()
              + " executor=" + event.getSubscribed().getExecutorInfo().getExecutorId().getValue());
          case LAUNCH -> run(client, event.getLaunch().getTask());
          case LAUNCH_GROUP -> {
            say("LAUNCH_GROUP " + event.getLaunchGroup().getTaskGroup().getTasksCount());
            for (TaskInfo task : event.getLaunchGroup().getTaskGroup().getTasksList()) {
              run(client, task);
            }
          }
          case KILL -> {
            say("KILL " + event.getKill().getTaskId().getValue());
            update(client, event.getKill().getTaskId().getValue(), TaskState.TASK_KILLED);
          }
          case ACKNOWLEDGED -> say("ACKNOWLEDGED " + event.getAcknowledged().getTaskId().getValue() + " "
              + ExecutorClient.text(event.getAcknowledged().getUuid()));
          case MESSAGE -> {
            String data = event.getMessage().getData().toStringUtf8();
            say("MESSAGE " + data);
            say("MESSAGE-SENT " + client.post(client.message("echo:" + data)).statusCode());
          }
          case SHUTDOWN -> {
            say("SHUTDOWN");
            System.exit(0);
          }
          default -> say("EVENT " + event.getType());
        }
      }
    } catch (java.io.IOException e) {
      // The agent went away mid-stream.
      say("STREAM " + e.getClass().getSimpleName());
    }
  }

  private static void run(ExecutorClient client, TaskInfo task) throws Exception {
    String id = task.getTaskId().getValue();
    say("LAUNCH " + id);
    update(client, id, TaskState.TASK_RUNNING);
    if (!"stay".equals(task.getData().toStringUtf8())) {
      update(client, id, TaskState.TASK_FINISHED);
    }
  }

  private static void update(ExecutorClient client, String taskId, TaskState state) throws Exception {
    Call call = client.update(taskId, state);
    int status = client.post(call).statusCode();
    say("UPDATE " + taskId + " " + state + " " + ExecutorClient.text(call.getUpdate().getStatus().getUuid()) + " " + status);
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
