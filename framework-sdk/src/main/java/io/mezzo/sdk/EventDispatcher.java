package io.mezzo.sdk;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Scheduler} callbacks on the one event thread, in stream order, and does what
 * the SDK promises around them: declines offers a callback left unanswered, acknowledges
 * updates with a uuid after {@code update()} returns, stops the client after an ERROR.
 */
final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
  static final String THREAD_NAME = "mezzo-scheduler-events";

  private final Scheduler scheduler;
  private final SchedulerDriver driver;
  private final boolean implicitAcknowledgements;
  private final Filters defaultFilters;
  private final boolean continueAfterError;
  private final BooleanSupplier closed;
  private final Runnable stop;
  private final Supplier<FrameworkID> frameworkId;
  private final ThreadPoolExecutor executor;
  /** Offers of the running offers() callback not yet accepted or declined. */
  private final Set<OfferID> unanswered = ConcurrentHashMap.newKeySet();
  private volatile Thread eventThread;

  EventDispatcher(
      Scheduler scheduler,
      SchedulerDriver driver,
      boolean implicitAcknowledgements,
      Filters defaultFilters,
      boolean continueAfterError,
      BooleanSupplier closed,
      Runnable stop,
      Supplier<FrameworkID> frameworkId) {
    this.scheduler = scheduler;
    this.driver = driver;
    this.implicitAcknowledgements = implicitAcknowledgements;
    this.defaultFilters = defaultFilters;
    this.continueAfterError = continueAfterError;
    this.closed = closed;
    this.stop = stop;
    this.frameworkId = frameworkId;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, THREAD_NAME);
      t.setDaemon(true);
      eventThread = t;
      return t;
    });
  }

  /** Queues the callback for one event (HEARTBEAT and unknown types have none). */
  void dispatch(Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> run("subscribed", () -> scheduler.subscribed(driver,
          event.getSubscribed().getFrameworkId(),
          event.getSubscribed().hasMasterInfo() ? event.getSubscribed().getMasterInfo() : null));
      case OFFERS -> run("offers", () -> offers(event.getOffers().getOffersList()));
      case RESCIND -> run("rescinded", () -> scheduler.rescinded(driver, event.getRescind().getOfferId()));
      case UPDATE -> run("update", () -> update(event.getUpdate().getStatus()));
      case MESSAGE -> run("message", () -> scheduler.message(driver,
          event.getMessage().getAgentId(),
          event.getMessage().getExecutorId(),
          event.getMessage().getData().toByteArray()));
      case FAILURE -> {
        Event.Failure f = event.getFailure();
        AgentID agent = f.hasAgentId() ? f.getAgentId() : null;
        ExecutorID executorId = f.hasExecutorId() ? f.getExecutorId() : null;
        Integer status = f.hasStatus() ? f.getStatus() : null;
        run("failure", () -> scheduler.failure(driver, agent, executorId, status));
      }
      case ERROR -> error(event.getError().getMessage());
      case HEARTBEAT -> { }
      default -> log.debug("[framework={}] Ignoring event of type {}", id(), event.getType());
    }
  }

  void disconnected() {
    run("disconnected", () -> scheduler.disconnected(driver));
  }

  /** Accept and decline report here so the offers are not declined again after the callback. */
  void answered(Collection<OfferID> offerIds) {
    unanswered.removeAll(offerIds);
  }

  boolean isEventThread() {
    return Thread.currentThread() == eventThread;
  }

  /** Lets queued callbacks finish (they are skipped once closed) and stops the thread. */
  boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
    executor.shutdown();
    if (isEventThread()) {
      return false;
    }
    return executor.awaitTermination(timeout, unit);
  }

  private void offers(List<Offer> offers) {
    unanswered.clear();
    for (Offer offer : offers) {
      unanswered.add(offer.getId());
    }
    try {
      scheduler.offers(driver, offers);
    } finally {
      List<OfferID> left = new ArrayList<>();
      for (Offer offer : offers) {
        if (unanswered.contains(offer.getId())) {
          left.add(offer.getId());
        }
      }
      unanswered.clear();
      if (!left.isEmpty() && !closed.getAsBoolean()) {
        log.debug("[framework={}] Declining {} offers the scheduler left unanswered", id(), left.size());
        driver.decline(left, defaultFilters).whenComplete((v, e) -> {
          if (e != null) {
            log.warn("[framework={}] Could not decline unanswered offers {}: {}", id(), ids(left), e.toString());
          }
        });
      }
    }
  }

  private void update(TaskStatus status) {
    scheduler.update(driver, status);
    // Only reached when update() returned normally: a failed callback leaves the update
    // unacknowledged, so the agent sends it again.
    if (implicitAcknowledgements && status.hasUuid() && !closed.getAsBoolean()) {
      driver.acknowledge(status).whenComplete((v, e) -> {
        if (e != null) {
          log.warn("[framework={}] Could not acknowledge {} of task {}: {}",
              id(), status.getState(), status.getTaskId().getValue(), e.toString());
        }
      });
    }
  }

  private void error(String message) {
    run("error", () -> {
      try {
        scheduler.error(driver, message);
      } finally {
        if (!continueAfterError) {
          stop.run();
        }
      }
    });
  }

  private void run(String callback, Runnable body) {
    try {
      executor.execute(() -> {
        if (closed.getAsBoolean()) {
          return;
        }
        try {
          body.run();
        } catch (RuntimeException e) {
          log.error("[framework={}] Scheduler.{} threw; the event is dropped", id(), callback, e);
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("[framework={}] Client closed; {} not delivered", id(), callback);
    }
  }

  private String id() {
    FrameworkID id = frameworkId.get();
    return id == null ? "-" : id.getValue();
  }

  private static List<String> ids(List<OfferID> offerIds) {
    return offerIds.stream().map(OfferID::getValue).toList();
  }
}
