package io.mezzo.cli.views;

import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.master.DurationFlag;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import io.mezzo.v1.master.Protos.Response.GetTasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mezzo task logs}: a task's stdout or stderr, read from its sandbox through its agent
 * (found with GET_TASKS and GET_AGENTS); with {@code -f}, read on by offset until the task ends.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Prints a task's stdout (or stderr) from its sandbox on its agent; -f follows it until the task ends.")
public final class TaskLogsCommand extends ViewCommand {
  private static final Set<TaskState> TERMINAL = EnumSet.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE,
      TaskState.TASK_GONE_BY_OPERATOR, TaskState.TASK_UNKNOWN);

  @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task's id")
  String taskId;

  @Option(names = {"-f", "--follow"}, description = "Keep printing what the task writes until it ends")
  boolean follow;

  @Option(names = "--stderr", description = "The task's stderr instead of its stdout")
  boolean stderr;

  @Option(names = "--tail", paramLabel = "N", description = "Start with the last N lines")
  Integer tail;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationFlag.class,
      description = "With -f, how long to wait before reading again when nothing new came (default ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  void validate() {
    if (tail != null && tail < 0) {
      throw new IllegalArgumentException("--tail must not be negative, got " + tail);
    }
    if (json()) {
      throw new IllegalArgumentException("task logs prints the file as it is; -o json does not apply");
    }
  }

  @Override
  int run(OperatorClient client) throws InterruptedException {
    Task task = find(client.get(Call.Type.GET_TASKS).getGetTasks())
        .orElseThrow(() -> new UnknownIdException("No task '" + taskId + "' is known to the master"));
    AgentFiles files = new AgentFiles(agentUrl(client, task), client.tls(), client.credential());
    String executor = task.hasExecutorId() ? task.getExecutorId().getValue() : task.getTaskId().getValue();
    String path = "/frameworks/" + task.getFrameworkId().getValue() + "/executors/" + executor + "/runs/latest/"
        + (stderr ? "stderr" : "stdout");
    long offset = -1;
    while (true) {
      try {
        if (offset < 0) {
          offset = tail == null ? 0 : tailOffset(files, path, tail);
        }
        // Asked before reading: what the task wrote before it ended is read after the answer.
        boolean ended = follow && ended(client, task);
        offset = copy(files, path, offset);
        if (!follow || ended) {
          return 0;
        }
      } catch (AgentFiles.NoSuchFileException e) {
        // Following a task that has not started yet: its sandbox comes when it does.
        if (!follow || ended(client, task)) {
          throw new UnknownIdException(e.getMessage());
        }
      }
      if (!interval.isZero()) {
        Thread.sleep(interval.toMillis());
      }
    }
  }

  /** The task by id: one that has not ended first, else the last to end. */
  private Optional<Task> find(GetTasks tasks) {
    return Stream.of(tasks.getTasksList(), tasks.getUnreachableTasksList(), tasks.getCompletedTasksList())
        .flatMap(List::stream).filter(t -> t.getTaskId().getValue().equals(taskId)).findFirst();
  }

  /** True when the master says the task ended (or forgot it). */
  private boolean ended(OperatorClient client, Task task) {
    GetTasks tasks = client.get(Call.Type.GET_TASKS).getGetTasks();
    return Stream.of(tasks.getTasksList(), tasks.getUnreachableTasksList())
        .flatMap(List::stream)
        .filter(t -> t.getTaskId().equals(task.getTaskId()) && t.getFrameworkId().equals(task.getFrameworkId()))
        .allMatch(t -> TERMINAL.contains(t.getState()));
  }

  /** The agent's HTTP address: from its pid ({@code slave(1)@ip:port}) when it has one, else hostname and port. */
  private static String agentUrl(OperatorClient client, Task task) {
    GetAgents.Agent agent = client.get(Call.Type.GET_AGENTS).getGetAgents().getAgentsList().stream()
        .filter(a -> a.getAgentInfo().getId().equals(task.getAgentId())).findFirst()
        .orElseThrow(() -> new UnknownIdException("The agent of task '" + task.getTaskId().getValue() + "' ("
            + task.getAgentId().getValue() + ") is not registered with the master"));
    int at = agent.getPid().lastIndexOf('@');
    String address = at >= 0 ? agent.getPid().substring(at + 1)
        : agent.getAgentInfo().getHostname() + ":" + agent.getAgentInfo().getPort();
    // A cluster speaks TLS everywhere or nowhere: the agent's scheme is the master's.
    return client.scheme() + "://" + address;
  }

  /** Prints from {@code offset} to the end of the file; returns where the end was. */
  private long copy(AgentFiles files, String path, long offset) throws InterruptedException {
    while (true) {
      AgentFiles.Chunk chunk = files.read(path, offset, AgentFiles.CHUNK);
      if (chunk.data().isEmpty()) {
        out().flush();
        return offset;
      }
      out().print(chunk.data());
      offset = chunk.end();
    }
  }

  /** Where the last {@code lines} lines start (a final newline does not start another line). */
  static long tailOffset(AgentFiles files, String path, int lines) throws InterruptedException {
    long size = files.size(path);
    if (lines == 0) {
      return size;
    }
    long window = AgentFiles.CHUNK;
    while (true) {
      long from = Math.max(0, size - window);
      StringBuilder text = new StringBuilder();
      for (long at = from; at < size; ) {
        AgentFiles.Chunk chunk = files.read(path, at, (int) Math.min(AgentFiles.CHUNK, size - at));
        if (chunk.data().isEmpty()) {
          break;
        }
        text.append(chunk.data());
        at = chunk.end();
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      int found = 0;
      int end = bytes.length > 0 && bytes[bytes.length - 1] == '\n' ? bytes.length - 1 : bytes.length;
      for (int i = end - 1; i >= 0; i--) {
        if (bytes[i] == '\n' && ++found == lines) {
          return from + i + 1;
        }
      }
      if (from == 0) {
        return 0;
      }
      window *= 4;
    }
  }
}
