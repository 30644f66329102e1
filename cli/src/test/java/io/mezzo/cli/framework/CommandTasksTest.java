package io.mezzo.cli.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.sdk.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTasksTest {
  private final RecordingDriver driver = new RecordingDriver();
  private final List<String> heard = new ArrayList<>();
  private final CommandTasks.Listener listener = new CommandTasks.Listener() {
    @Override
    public void subscribed(FrameworkID frameworkId) {
      heard.add("subscribed " + frameworkId.getValue());
    }

    @Override
    public void launched(TaskInfo task, Offer offer) {
      heard.add("launched " + task.getTaskId().getValue() + " on " + offer.getHostname());
    }

    @Override
    public void update(TaskStatus status) {
      heard.add("update " + status.getTaskId().getValue() + " " + status.getState());
    }

    @Override
    public void ended(TaskStatus status) {
      heard.add("ended " + status.getTaskId().getValue() + " " + status.getState());
    }
  };

  private CommandTasks tasks(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add("t-" + i);
    }
    return new CommandTasks(TaskTemplate.shell("echo hi", 0.1, 32), ids, null, "*", listener);
  }

  private static Offer offer(String id, String agent, Resource... resources) {
    return Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
        .setAgentId(AgentID.newBuilder().setValue(agent))
        .setHostname(agent)
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("*"))
        .addAllResources(List.of(resources))
        .build();
  }

  private static TaskStatus status(String task, TaskState state, String message) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
        .setAgentId(AgentID.newBuilder().setValue("agent-1")).setMessage(message).build();
  }

  @Test
  void packsAsManyTasksAsFitThenDeclinesAndSuppresses() {
    CommandTasks tasks = tasks(3);
    tasks.offers(driver, List.of(
        offer("o-1", "small", Resources.cpus(0.05), Resources.mem(1000)),
        offer("o-2", "big", Resources.cpus(0.25), Resources.mem(1000)),
        offer("o-3", "more", Resources.cpus(4), Resources.mem(4096)),
        offer("o-4", "spare", Resources.cpus(4), Resources.mem(4096))));

    assertThat(driver.launched.get("o-2")).extracting(t -> t.getTaskId().getValue()).containsExactly("t-1", "t-2");
    assertThat(driver.launched.get("o-3")).extracting(t -> t.getTaskId().getValue()).containsExactly("t-3");
    assertThat(driver.declined).containsEntry("o-1", CommandTasks.TOO_SMALL_FILTER)
        .containsEntry("o-4", CommandTasks.DONE_FILTER).hasSize(2);
    assertThat(driver.suppressed).containsExactly(List.of("*"));
    assertThat(tasks.launched()).isEqualTo(3);

    TaskInfo task = driver.launched.get("o-2").get(0);
    assertThat(task.getName()).isEqualTo("t-1");
    assertThat(task.getAgentId().getValue()).isEqualTo("big");
    assertThat(task.getCommand().getShell()).isTrue();
    assertThat(task.getCommand().getValue()).isEqualTo("echo hi");
    assertThat(task.getResourcesList()).extracting(Resource::getName).containsExactly("cpus", "mem");
    assertThat(task.getResources(0).getAllocationInfo().getRole()).isEqualTo("*");
    assertThat(heard).containsExactly("launched t-1 on big", "launched t-2 on big", "launched t-3 on more");

    // Later offers: nothing is launched twice.
    tasks.offers(driver, List.of(offer("o-5", "big", Resources.cpus(4), Resources.mem(4096))));
    assertThat(driver.launchedIds()).containsExactly("t-1", "t-2", "t-3");
    assertThat(driver.declined).containsEntry("o-5", CommandTasks.DONE_FILTER);
    assertThat(driver.suppressed).hasSize(1);
  }

  @Test
  void endsOnceEveryTaskEndedCountingEachOnce() {
    CommandTasks tasks = tasks(2);
    tasks.offers(driver, List.of(offer("o-1", "a", Resources.cpus(1), Resources.mem(1000))));
    tasks.update(driver, status("t-1", TaskState.TASK_RUNNING, ""));
    tasks.update(driver, status("t-1", TaskState.TASK_FINISHED, "Command exited with status 0"));
    tasks.update(driver, status("t-1", TaskState.TASK_FINISHED, "a retried update"));
    tasks.update(driver, status("other", TaskState.TASK_FAILED, "not ours"));
    assertThat(tasks.outcome()).isNotDone();
    tasks.update(driver, status("t-2", TaskState.TASK_FAILED, "Command exited with status 3"));

    CommandTasks.Outcome outcome = tasks.outcome().join();
    assertThat(outcome.finished()).isEqualTo(1);
    assertThat(outcome.failed()).isEqualTo(1);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.ended().keySet()).containsExactly("t-1", "t-2");
    assertThat(outcome.ended().get("t-1").getMessage()).isEqualTo("Command exited with status 0");
    assertThat(heard).filteredOn(h -> h.startsWith("update") || h.startsWith("ended")).containsExactly(
        "update t-1 TASK_RUNNING", "update t-1 TASK_FINISHED", "ended t-1 TASK_FINISHED", "update t-1 TASK_FINISHED",
        "update t-2 TASK_FAILED", "ended t-2 TASK_FAILED");
  }

  @Test
  void aRefusedLaunchEndsTheTasksWithTaskError() {
    CommandTasks tasks = tasks(1);
    driver.refuseLaunches = new IllegalStateException("no such offer");
    tasks.offers(driver, List.of(offer("o-1", "a", Resources.cpus(1), Resources.mem(1000))));

    CommandTasks.Outcome outcome = tasks.outcome().join();
    assertThat(outcome.failed()).isEqualTo(1);
    assertThat(outcome.ended().get("t-1").getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(outcome.ended().get("t-1").getMessage()).isEqualTo("launch refused: no such offer");
  }

  @Test
  void reconcilesRunningTasksAfterResubscribing() {
    CommandTasks tasks = tasks(2);
    tasks.subscribed(driver, FrameworkID.newBuilder().setValue("fw-1").build(), null);
    assertThat(driver.reconciled).isEmpty();
    tasks.offers(driver, List.of(offer("o-1", "a", Resources.cpus(1), Resources.mem(1000))));
    tasks.update(driver, status("t-1", TaskState.TASK_FINISHED, ""));

    tasks.subscribed(driver, FrameworkID.newBuilder().setValue("fw-1").build(), null);
    assertThat(driver.reconciled).singleElement().satisfies(reconcile -> assertThat(reconcile)
        .extracting(t -> t.getTaskId().getValue()).containsExactly("t-2"));
    assertThat(heard).startsWith("subscribed fw-1");
  }

  @Test
  void anErrorFromTheMasterEndsTheRun() {
    CommandTasks tasks = tasks(2);
    tasks.error(driver, "role 'x' is not allowed");
    assertThat(tasks.outcome().join().error()).isEqualTo("role 'x' is not allowed");
    assertThat(tasks.outcome().join().succeeded()).isFalse();
  }

  @Test
  void containerTasksGoOnlyToAgentsWithTheirRuntime() {
    TaskTemplate docker = new TaskTemplate(List.of("true"), 0.1, 32, "docker", "busybox");
    CommandTasks tasks = new CommandTasks(docker, List.of("run-1"), "my-task", "*", listener);
    Offer withoutDocker = offer("o-1", "plain", Resources.cpus(1), Resources.mem(1000));
    Offer withDocker = withoutDocker.toBuilder().setId(OfferID.newBuilder().setValue("o-2")).setHostname("docker")
        .addAttributes(Attribute.newBuilder().setName("runtimes").setType(Value.Type.TEXT)
            .setText(Value.Text.newBuilder().setValue("process,docker"))).build();
    tasks.offers(driver, List.of(withoutDocker, withDocker));

    assertThat(driver.declined).containsOnlyKeys("o-1");
    TaskInfo task = driver.launched.get("o-2").get(0);
    assertThat(task.getName()).isEqualTo("my-task");
    assertThat(task.getContainer().getType()).isEqualTo(ContainerInfo.Type.DOCKER);
    assertThat(task.getContainer().getDocker().getImage()).isEqualTo("busybox");

    TaskInfo oci = new TaskTemplate(List.of("true"), 0.1, 32, "oci", "/rootfs").task("x", "x", withDocker);
    assertThat(oci.getContainer().getType()).isEqualTo(ContainerInfo.Type.MESOS);
    assertThat(oci.getContainer().getMesos().getImage().getDocker().getName()).isEqualTo("/rootfs");
  }

  @Test
  void templatesAndIdsAreChecked() {
    assertThatThrownBy(() -> new TaskTemplate(List.of(" "), 1, 1, "process", null)).hasMessageContaining("command");
    assertThatThrownBy(() -> new TaskTemplate(List.of("x"), 0, 1, "process", null)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new TaskTemplate(List.of("x"), 1, 1, "wasm", null)).hasMessageContaining("runtime");
    assertThatThrownBy(() -> new TaskTemplate(List.of("x"), 1, 1, "docker", null)).hasMessageContaining("needs an image");
    assertThatThrownBy(() -> new TaskTemplate(List.of("x"), 1, 1, "process", "img")).hasMessageContaining("docker or oci");
    assertThatThrownBy(() -> new CommandTasks(TaskTemplate.shell("x", 1, 1), List.of("a", "a"), null, "*", listener))
        .hasMessageContaining("each once");
    assertThatThrownBy(() -> new CommandTasks(TaskTemplate.shell("x", 1, 1), List.of(), null, "*", listener))
        .hasMessageContaining("at least one");
  }
}
