package io.mezzo.cli.views;

import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.Task;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import io.mezzo.v1.master.Protos.Response.GetTasks;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo tasks}: the tasks the master knows, running, unreachable and completed (GET_TASKS). */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    description = "Lists the tasks (running, unreachable, then completed), optionally of one framework or in one state.")
public final class TasksCommand extends ViewCommand {
  @Option(names = "--framework", paramLabel = "ID", description = "Only this framework's tasks")
  String frameworkId;

  @Option(names = "--state", paramLabel = "S", description = "Only tasks in this state, e.g. RUNNING or TASK_FAILED")
  String stateName;

  TaskState state;

  @Override
  void validate() {
    state = stateName == null ? null : taskState(stateName);
  }

  /** A task state by its name, with or without {@code TASK_}, in any case. */
  static TaskState taskState(String name) {
    String upper = name.trim().toUpperCase(Locale.ROOT);
    String full = upper.startsWith("TASK_") ? upper : "TASK_" + upper;
    try {
      return TaskState.valueOf(full);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--state must be a task state (RUNNING, FINISHED, FAILED, KILLED, LOST, ...),"
          + " got '" + name + "'");
    }
  }

  @Override
  int run(OperatorClient client) {
    if (frameworkId != null) {
      checkFrameworkKnown(client);
    }
    GetTasks tasks = client.get(Call.Type.GET_TASKS).getGetTasks();
    Predicate<Task> wanted = task -> (frameworkId == null || task.getFrameworkId().getValue().equals(frameworkId))
        && (state == null || task.getState() == state);
    if (json()) {
      say(JsonCodec.print(GetTasks.newBuilder()
          .addAllTasks(tasks.getTasksList().stream().filter(wanted).toList())
          .addAllUnreachableTasks(tasks.getUnreachableTasksList().stream().filter(wanted).toList())
          .addAllCompletedTasks(tasks.getCompletedTasksList().stream().filter(wanted).toList())
          .build()));
      return 0;
    }
    Table table = new Table("ID", "NAME", "FRAMEWORK", "AGENT", "STATE", "RESOURCES");
    Stream.of(tasks.getTasksList(), tasks.getUnreachableTasksList(), tasks.getCompletedTasksList())
        .flatMap(List::stream).filter(wanted)
        .forEach(task -> table.row(task.getTaskId().getValue(), task.getName(), task.getFrameworkId().getValue(),
            task.getAgentId().getValue(), task.getState(), Quantities.of(task.getResourcesList())));
    out().print(table.render());
    return 0;
  }

  private void checkFrameworkKnown(OperatorClient client) {
    GetFrameworks frameworks = client.get(Call.Type.GET_FRAMEWORKS).getGetFrameworks();
    boolean known = Stream.concat(frameworks.getFrameworksList().stream(), frameworks.getCompletedFrameworksList().stream())
        .anyMatch(f -> f.getFrameworkInfo().getId().getValue().equals(frameworkId));
    if (!known) {
      throw new UnknownIdException("No framework '" + frameworkId + "' is known to the master");
    }
  }
}
