package io.mezzo.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.sandbox.InvalidIdException;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedExecutor;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedTask;
import io.mezzo.protocol.internal.Checkpoints.CheckpointedUpdates;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir
  Path workDir;

  private CheckpointedTask task(String frameworkId, String taskId) {
    return CheckpointedTask.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setTask(Tasks.shellTask(taskId, "sleep 10")).setRuntime("process").setContainerId("c-" + taskId).build();
  }

  @Test
  void whatIsWrittenIsLoadedAndRemovedTasksAreGone() throws Exception {
    CheckpointStore store = new CheckpointStore(workDir);
    store.writeTask(task("fw", "a"));
    store.writeTask(task("fw", "b"));
    CheckpointedUpdates updates = CheckpointedUpdates.newBuilder().setLatestState(TaskState.TASK_RUNNING)
        .addPending(TaskStatus.newBuilder().setTaskId(Tasks.shellTask("a", "x").getTaskId()).setState(TaskState.TASK_RUNNING))
        .build();
    store.writeUpdates("fw", "a", updates);
    // Replacing a file leaves the newest version.
    store.writeTask(task("fw", "a").toBuilder().setKillRequested(true).build());

    List<CheckpointStore.Recovered> loaded = new CheckpointStore(workDir).load();
    assertThat(loaded).extracting(CheckpointStore.Recovered::taskId).containsExactlyInAnyOrder("a", "b");
    CheckpointStore.Recovered a = loaded.stream().filter(r -> r.taskId().equals("a")).findFirst().orElseThrow();
    assertThat(a.task().getKillRequested()).isTrue();
    assertThat(a.updates()).isEqualTo(updates);
    assertThat(loaded.stream().filter(r -> r.taskId().equals("b")).findFirst().orElseThrow().updates()).isNull();

    store.remove("fw", "a");
    store.remove("fw", "b");
    assertThat(store.load()).isEmpty();
    assertThat(workDir.resolve("meta/frameworks/fw")).doesNotExist();
  }

  @Test
  void anUnreadableFileCountsAsMissingAndNothingElseIsLost() throws Exception {
    CheckpointStore store = new CheckpointStore(workDir);
    store.writeTask(task("fw", "good"));
    store.writeTask(task("fw", "bad"));
    // A truncated varint: no protobuf parser takes it.
    Files.write(workDir.resolve("meta/frameworks/fw/tasks/bad/task"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

    List<CheckpointStore.Recovered> loaded = store.load();

    assertThat(loaded).extracting(CheckpointStore.Recovered::taskId).containsExactly("good");
  }

  @Test
  void idsThatAreNotSafePathComponentsAreRefused() {
    CheckpointStore store = new CheckpointStore(workDir);
    assertThatThrownBy(() -> store.writeTask(task("..", "a"))).isInstanceOf(InvalidIdException.class);
    assertThatThrownBy(() -> store.remove("fw", "../../etc")).isInstanceOf(InvalidIdException.class);
  }

  @Test
  void executorsAreKeptApartFromTasksAndGoWhenRemoved() throws Exception {
    CheckpointStore store = new CheckpointStore(workDir);
    CheckpointedExecutor executor = CheckpointedExecutor.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw"))
        .setExecutor(Tasks.executor("exec", List.of("/bin/true"))).setContainerId("c1").build();
    store.writeExecutor(executor);
    store.writeTask(task("fw", "t1").toBuilder().setCustomExecutor(true).setExecutor(executor.getExecutor()).build());

    assertThat(store.loadExecutors()).containsExactly(executor);
    assertThat(store.load()).singleElement().satisfies(r -> assertThat(r.task().getCustomExecutor()).isTrue());

    store.removeExecutor("fw", "exec");
    assertThat(store.loadExecutors()).isEmpty();
    assertThat(store.load()).hasSize(1);
    store.remove("fw", "t1");
    assertThat(workDir.resolve("meta/frameworks/fw")).doesNotExist();
  }

  @Test
  void aWorkDirWithoutCheckpointsLoadsNothing() throws Exception {
    assertThat(new CheckpointStore(workDir).load()).isEmpty();
  }
}
