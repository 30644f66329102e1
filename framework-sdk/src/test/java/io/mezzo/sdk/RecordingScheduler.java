package io.mezzo.sdk;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Records every callback and the threads they ran on; tests plug behaviour into offers and update. */
class RecordingScheduler implements Scheduler {
  final List<FrameworkID> subscribed = new CopyOnWriteArrayList<>();
  final List<MasterInfo> masters = new CopyOnWriteArrayList<>();
  final List<List<Offer>> offers = new CopyOnWriteArrayList<>();
  final List<OfferID> rescinded = new CopyOnWriteArrayList<>();
  final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  final AtomicInteger disconnects = new AtomicInteger();
  final Set<String> threads = ConcurrentHashMap.newKeySet();
  volatile BiConsumer<SchedulerDriver, List<Offer>> onOffers = (driver, offers) -> {};
  volatile BiConsumer<SchedulerDriver, TaskStatus> onUpdate = (driver, status) -> {};

  @Override
  public void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {
    threads.add(Thread.currentThread().getName());
    masters.add(master);
    subscribed.add(frameworkId);
  }

  @Override
  public void offers(SchedulerDriver driver, List<Offer> offers) {
    threads.add(Thread.currentThread().getName());
    try {
      onOffers.accept(driver, offers);
    } finally {
      this.offers.add(offers);
    }
  }

  @Override
  public void rescinded(SchedulerDriver driver, OfferID offerId) {
    threads.add(Thread.currentThread().getName());
    rescinded.add(offerId);
  }

  @Override
  public void update(SchedulerDriver driver, TaskStatus status) {
    threads.add(Thread.currentThread().getName());
    updates.add(status);
    onUpdate.accept(driver, status);
  }

  @Override
  public void failure(SchedulerDriver driver, AgentID agentId, ExecutorID executorId, Integer status) {
    threads.add(Thread.currentThread().getName());
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    threads.add(Thread.currentThread().getName());
    errors.add(message);
  }

  @Override
  public void disconnected(SchedulerDriver driver) {
    threads.add(Thread.currentThread().getName());
    disconnects.incrementAndGet();
  }
}
