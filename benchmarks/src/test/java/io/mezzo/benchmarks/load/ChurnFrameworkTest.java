package io.mezzo.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The churn framework's samples: an agent's task end to the offer that follows it, and only that. */
class ChurnFrameworkTest {
  private final RecordingDriver driver = new RecordingDriver();

  @Test
  void anEndReportedBeforeTheNextOfferIsOneSample() {
    ChurnFramework framework = new ChurnFramework(1, 10);
    framework.offers(driver, List.of(offer("o1", "a1")));
    framework.ending("a1", System.nanoTime());

    framework.offers(driver, List.of(offer("o2", "a1")));

    assertThat(framework.samples().size()).isEqualTo(1);
    assertThat(driver.accepted).containsExactly("o1", "o2");
  }

  @Test
  void anEndReportedOnlyAfterTheOfferItFreedMeasuresNothing() {
    ChurnFramework framework = new ChurnFramework(1, 10);
    framework.offers(driver, List.of(offer("o1", "a1")));
    long firstTaskEnded = System.nanoTime();
    // The offer of a1's freed resources comes before the end's report (from another process's pipe).
    framework.offers(driver, List.of(offer("o2", "a1")));
    framework.ending("a1", firstTaskEnded);

    framework.offers(driver, List.of(offer("o3", "a1")));

    assertThat(framework.samples().size()).as("the late report is older than a1's last task").isZero();
    assertThat(driver.accepted).containsExactly("o1", "o2", "o3");
  }

  private static Offer offer(String id, String agent) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("churn")).setAgentId(AgentID.newBuilder().setValue(agent))
        .setHostname(agent)
        .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(1)))
        .build();
  }

  /** Records the offers accepted; every call succeeds at once. */
  private static final class RecordingDriver implements SchedulerDriver {
    final List<String> accepted = new ArrayList<>();

    @Override
    public CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
      offerIds.forEach(id -> accepted.add(id.getValue()));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> launch(OfferID offerId, List<TaskInfo> tasks) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> decline(List<OfferID> offerIds, Filters filters) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> kill(TaskID taskId, AgentID agentId) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> acknowledge(TaskStatus status) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reconcile(List<Call.Reconcile.Task> tasks) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> revive(String... roles) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> suppress(String... roles) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> teardown() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> stop() {
      return CompletableFuture.completedFuture(null);
    }
  }
}
