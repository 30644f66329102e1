package io.mezzo.examples.batch;

import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Call;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A SchedulerDriver that records what the scheduler asked for and answers at once. */
final class FakeDriver implements SchedulerDriver {
  final Map<OfferID, List<TaskInfo>> launched = new LinkedHashMap<>();
  final Map<OfferID, Filters> declined = new LinkedHashMap<>();
  final List<List<String>> suppressed = new ArrayList<>();
  final List<List<String>> revived = new ArrayList<>();
  final List<List<Call.Reconcile.Task>> reconciled = new ArrayList<>();
  int teardowns;
  /** When set, launch calls fail with this, as when the master answers 400. */
  RuntimeException launchFailure;

  List<TaskInfo> allLaunched() {
    return launched.values().stream().flatMap(List::stream).toList();
  }

  @Override
  public CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
    for (Offer.Operation operation : operations) {
      launched.computeIfAbsent(offerIds.get(0), id -> new ArrayList<>()).addAll(operation.getLaunch().getTaskInfosList());
    }
    return launchFailure == null ? done() : CompletableFuture.failedFuture(launchFailure);
  }

  @Override
  public CompletableFuture<Void> launch(OfferID offerId, List<TaskInfo> tasks) {
    return accept(List.of(offerId), List.of(Offer.Operation.newBuilder()
        .setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks))
        .build()), null);
  }

  @Override
  public CompletableFuture<Void> decline(List<OfferID> offerIds, Filters filters) {
    offerIds.forEach(id -> declined.put(id, filters));
    return done();
  }

  @Override
  public CompletableFuture<Void> kill(TaskID taskId, AgentID agentId) {
    return done();
  }

  @Override
  public CompletableFuture<Void> acknowledge(TaskStatus status) {
    return done();
  }

  @Override
  public CompletableFuture<Void> reconcile(List<Call.Reconcile.Task> tasks) {
    reconciled.add(List.copyOf(tasks));
    return done();
  }

  @Override
  public CompletableFuture<Void> revive(String... roles) {
    revived.add(List.of(roles));
    return done();
  }

  @Override
  public CompletableFuture<Void> suppress(String... roles) {
    suppressed.add(List.of(roles));
    return done();
  }

  @Override
  public CompletableFuture<Void> teardown() {
    teardowns++;
    return done();
  }

  @Override
  public CompletableFuture<Void> stop() {
    return done();
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
