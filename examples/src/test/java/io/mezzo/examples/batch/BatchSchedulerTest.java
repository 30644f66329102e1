package io.mezzo.examples.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.sdk.Resources;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSchedulerTest {
  private final FakeDriver driver = new FakeDriver();
  private final List<String> report = new ArrayList<>();

  private BatchScheduler scheduler(int tasks) {
    return new BatchScheduler(tasks, "echo hi", 0.1, 32, "*", report::add);
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

  private static TaskStatus status(String task, TaskState state) {
    return TaskStatus.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue(task))
        .setState(state)
        .setAgentId(AgentID.newBuilder().setValue("agent-1"))
        .build();
  }

  private static OfferID offerId(String id) {
    return OfferID.newBuilder().setValue(id).build();
  }

  @Test
  void launchesAsManyTasksAsTheOfferFits() {
    BatchScheduler scheduler = scheduler(5);
    // 0.35 cpus fit three tasks of 0.1 cpus; the memory would fit 31.
    scheduler.offers(driver, List.of(offer("offer-1", "agent-1", Resources.cpus(0.35), Resources.mem(1000))));

    List<TaskInfo> tasks = driver.launched.get(offerId("offer-1"));
    assertThat(tasks).extracting(t -> t.getTaskId().getValue()).containsExactly("batch-1", "batch-2", "batch-3");
    TaskInfo task = tasks.get(0);
    assertThat(task.getAgentId().getValue()).isEqualTo("agent-1");
    assertThat(task.getCommand().getShell()).isTrue();
    assertThat(task.getCommand().getValue()).isEqualTo("echo hi");
    assertThat(task.getResourcesList()).extracting(Resource::getName).containsExactly("cpus", "mem");
    assertThat(task.getResources(0).getScalar().getValue()).isEqualTo(0.1);
    assertThat(task.getResources(1).getScalar().getValue()).isEqualTo(32.0);
    assertThat(task.getResources(0).getAllocationInfo().getRole()).isEqualTo("*");
    assertThat(driver.declined).isEmpty();
    assertThat(driver.suppressed).isEmpty();
  }

  @Test
  void declinesTheRestWithALongFilterAndSuppressesOnceEverythingIsLaunched() {
    BatchScheduler scheduler = scheduler(3);
    scheduler.offers(driver, List.of(
        offer("offer-1", "agent-1", Resources.cpus(0.05), Resources.mem(1000)), // too small for one task
        offer("offer-2", "agent-2", Resources.cpus(4), Resources.mem(4096)),
        offer("offer-3", "agent-3", Resources.cpus(4), Resources.mem(4096))));

    assertThat(driver.allLaunched()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("batch-1", "batch-2", "batch-3");
    assertThat(driver.launched).containsOnlyKeys(offerId("offer-2"));
    assertThat(driver.declined).containsEntry(offerId("offer-1"), BatchScheduler.TOO_SMALL_FILTER);
    assertThat(driver.declined).containsEntry(offerId("offer-3"), BatchScheduler.DONE_FILTER);
    assertThat(driver.suppressed).containsExactly(List.of("*"));

    scheduler.offers(driver, List.of(offer("offer-4", "agent-1", Resources.cpus(4), Resources.mem(4096))));
    assertThat(driver.declined).containsEntry(offerId("offer-4"), BatchScheduler.DONE_FILTER);
    assertThat(driver.allLaunched()).hasSize(3);
    assertThat(driver.suppressed).hasSize(1);
  }

  @Test
  void isDoneWithSuccessWhenEveryTaskFinished() {
    BatchScheduler scheduler = scheduler(3);
    scheduler.offers(driver, List.of(offer("offer-1", "agent-1", Resources.cpus(1), Resources.mem(1024))));

    scheduler.update(driver, status("batch-1", TaskState.TASK_RUNNING));
    scheduler.update(driver, status("batch-1", TaskState.TASK_FINISHED));
    scheduler.update(driver, status("batch-2", TaskState.TASK_FINISHED));
    assertThat(scheduler.result()).isNotDone();
    scheduler.update(driver, status("batch-2", TaskState.TASK_FINISHED)); // a duplicate counts once
    assertThat(scheduler.result()).isNotDone();
    scheduler.update(driver, status("batch-3", TaskState.TASK_FINISHED));

    assertThat(scheduler.result()).isCompletedWithValue(new BatchResult(3, 0, null));
    assertThat(scheduler.result().join().succeeded()).isTrue();
    assertThat(report).containsExactly("task batch-1 TASK_FINISHED", "task batch-2 TASK_FINISHED", "task batch-3 TASK_FINISHED");
  }

  @Test
  void isDoneWithFailureWhenATaskFailedAndDoesNotRelaunchIt() {
    BatchScheduler scheduler = scheduler(2);
    scheduler.offers(driver, List.of(offer("offer-1", "agent-1", Resources.cpus(1), Resources.mem(1024))));

    scheduler.update(driver, TaskStatus.newBuilder(status("batch-1", TaskState.TASK_FAILED))
        .setMessage("Command exited with status 1").build());
    scheduler.update(driver, status("batch-2", TaskState.TASK_FINISHED));
    scheduler.offers(driver, List.of(offer("offer-2", "agent-1", Resources.cpus(1), Resources.mem(1024))));

    assertThat(scheduler.result()).isCompletedWithValue(new BatchResult(1, 1, null));
    assertThat(scheduler.result().join().succeeded()).isFalse();
    assertThat(report).containsExactly("task batch-1 TASK_FAILED: Command exited with status 1", "task batch-2 TASK_FINISHED");
    assertThat(driver.allLaunched()).hasSize(2);
    assertThat(driver.declined).containsEntry(offerId("offer-2"), BatchScheduler.DONE_FILTER);
  }

  @Test
  void countsTasksTheMasterRefusedToLaunchAsFailed() {
    driver.launchFailure = new IllegalStateException("HTTP 400: invalid offer");
    BatchScheduler scheduler = scheduler(2);
    scheduler.offers(driver, List.of(offer("offer-1", "agent-1", Resources.cpus(1), Resources.mem(1024))));

    assertThat(scheduler.result()).isCompletedWithValue(new BatchResult(0, 2, null));
    assertThat(report).allMatch(line -> line.contains("TASK_ERROR"));
  }

  @Test
  void reconcilesRunningTasksAfterAResubscription() {
    BatchScheduler scheduler = scheduler(2);
    scheduler.subscribed(driver, FrameworkID.newBuilder().setValue("fw-1").build(), null);
    assertThat(driver.reconciled).isEmpty();
    scheduler.offers(driver, List.of(offer("offer-1", "agent-1", Resources.cpus(1), Resources.mem(1024))));
    scheduler.update(driver, status("batch-1", TaskState.TASK_FINISHED));

    scheduler.subscribed(driver, FrameworkID.newBuilder().setValue("fw-1").build(), null);

    assertThat(driver.reconciled).hasSize(1);
    assertThat(driver.reconciled.get(0)).extracting(Call.Reconcile.Task::getTaskId)
        .extracting(TaskID::getValue).containsExactly("batch-2");
  }

  @Test
  void anErrorFromTheMasterEndsTheBatch() {
    BatchScheduler scheduler = scheduler(2);
    scheduler.error(driver, "Framework has been removed");
    assertThat(scheduler.result()).isCompletedWithValue(new BatchResult(0, 0, "Framework has been removed"));
    assertThat(scheduler.result().join().succeeded()).isFalse();
  }
}
