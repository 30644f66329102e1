package io.mezzo.cli.framework;

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

/** A driver that records the calls a scheduler makes; launches fail when {@link #refuseLaunches} is set. */
final class RecordingDriver implements SchedulerDriver {
  final Map<String, List<TaskInfo>> launched = new LinkedHashMap<>();
  final Map<String, Filters> declined = new LinkedHashMap<>();
  final List<List<String>> suppressed = new ArrayList<>();
  final List<List<Call.Reconcile.Task>> reconciled = new ArrayList<>();
  RuntimeException refuseLaunches;

  List<String> launchedIds() {
    return launched.values().stream().flatMap(List::stream).map(t -> t.getTaskId().getValue()).toList();
  }

  @Override
  public CompletableFuture<Void> launch(OfferID offerId, List<TaskInfo> tasks) {
    launched.computeIfAbsent(offerId.getValue(), id -> new ArrayList<>()).addAll(tasks);
    return refuseLaunches == null ? done() : CompletableFuture.failedFuture(refuseLaunches);
  }

  @Override
  public CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
    throw new UnsupportedOperationException("the CLI's frameworks launch with launch()");
  }

  @Override
  public CompletableFuture<Void> decline(List<OfferID> offerIds, Filters filters) {
    offerIds.forEach(id -> declined.put(id.getValue(), filters));
    return done();
  }

  @Override
  public CompletableFuture<Void> suppress(String... roles) {
    suppressed.add(List.of(roles));
    return done();
  }

  @Override
  public CompletableFuture<Void> reconcile(List<Call.Reconcile.Task> tasks) {
    reconciled.add(List.copyOf(tasks));
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
  public CompletableFuture<Void> revive(String... roles) {
    return done();
  }

  @Override
  public CompletableFuture<Void> teardown() {
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
