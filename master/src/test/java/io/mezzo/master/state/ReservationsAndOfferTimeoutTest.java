package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.testkit.ManualClock;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reservations as frameworks see them in offers and make them in ACCEPT, and the offer timeout, on a ClusterState. */
class ReservationsAndOfferTimeoutTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private DrfAllocator allocator;
  private ClusterState state;
  private final Sink<AgentEvent> agentStream = new Sink<>("agent-stream");

  static final class Sink<E> implements EventSink<E> {
    final String id;
    final List<E> events = new ArrayList<>();

    Sink(String id) {
      this.id = id;
    }

    @Override
    public String streamId() {
      return id;
    }

    @Override
    public void send(E event) {
      events.add(event);
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void cluster() {
    MasterInfo master = MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).build();
    allocator = new DrfAllocator(new Random(1));
    state = new ClusterState(master, allocator, clock, Timers.NEVER, StateOwner.currentThread(), Duration.ofMinutes(10),
        Duration.ofSeconds(30));
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Resource staticReserved(String name, double value, String role) {
    return scalar(name, value).toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.STATIC).setRole(role)).build();
  }

  private String registerAgent(Resource... resources) {
    AgentInfo info = AgentInfo.newBuilder().setHostname("host-1").setPort(5051).addAllResources(List.of(resources)).build();
    return state.registerAgent(AgentCall.Register.newBuilder().setAgentInfo(info).addRuntimes("process").build(),
        agentStream);
  }

  private Sink<Event> subscribe(String name, String role, FrameworkInfo.Capability.Type... capabilities) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("u").setName(name);
    boolean multiRole = false;
    for (FrameworkInfo.Capability.Type c : capabilities) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(c));
      multiRole |= c == FrameworkInfo.Capability.Type.MULTI_ROLE;
    }
    if (multiRole) {
      info.addRoles(role);
    } else {
      info.setRole(role);
    }
    Sink<Event> stream = new Sink<>(name + "-stream");
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), stream);
    return stream;
  }

  private static String frameworkId(Sink<Event> stream) {
    return stream.events.get(0).getSubscribed().getFrameworkId().getValue();
  }

  private static List<Offer> offers(Sink<Event> stream) {
    List<Offer> out = new ArrayList<>();
    for (Event e : stream.events) {
      if (e.getType() == Event.Type.OFFERS) {
        out.addAll(e.getOffers().getOffersList());
      }
    }
    return out;
  }

  private static Offer lastOffer(Sink<Event> stream) {
    List<Offer> all = offers(stream);
    return all.get(all.size() - 1);
  }

  private static double sum(Offer offer, String name, String role, boolean dynamic) {
    double total = 0;
    for (Resource r : offer.getResourcesList()) {
      String resourceRole = r.getReservationsCount() > 0 ? r.getReservations(0).getRole() : r.getRole();
      boolean isDynamic = r.getReservationsCount() > 0
          ? r.getReservations(0).getType() == Resource.ReservationInfo.Type.DYNAMIC : r.hasReservation();
      if (r.getName().equals(name) && resourceRole.equals(role) && isDynamic == dynamic) {
        total += r.getScalar().getValue();
      }
    }
    return total;
  }

  @Test
  void staticReservationsAreOfferedOnlyToTheirRoleInTheFormatTheFrameworkReads() {
    registerAgent(scalar("cpus", 4), scalar("mem", 4096), staticReserved("cpus", 2, "eng"),
        staticReserved("mem", 1024, "eng"));
    Sink<Event> ops = subscribe("ops", "ops");
    state.allocate();
    // ops alone: only the unreserved part, in the pre-refinement format.
    assertThat(offers(ops)).singleElement().satisfies(o -> {
      assertThat(o.getResourcesList()).allSatisfy(r -> assertThat(r.getRole()).isEqualTo("*"));
      assertThat(sum(o, "cpus", "*", false)).isEqualTo(4.0);
    });

    Sink<Event> eng = subscribe("eng", "eng/web", FrameworkInfo.Capability.Type.MULTI_ROLE,
        FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    state.allocate();
    // eng/web gets what is reserved for its parent eng, post-refinement: reservations [{STATIC, eng}], no role.
    Offer offer = lastOffer(eng);
    assertThat(sum(offer, "cpus", "eng", false)).isEqualTo(2.0);
    assertThat(sum(offer, "mem", "eng", false)).isEqualTo(1024.0);
    assertThat(offer.getResourcesList()).allSatisfy(r -> {
      assertThat(r.hasRole()).isFalse();
      assertThat(r.getAllocationInfo().getRole()).isEqualTo("eng/web");
    });
  }

  @Test
  void reserveInAnAcceptMakesADynamicReservationThatTasksUseAndUnreserveUndoes() {
    String agentId = registerAgent(scalar("cpus", 4), scalar("mem", 4096));
    Sink<Event> eng = subscribe("eng", "eng");
    String frameworkId = frameworkId(eng);
    state.allocate();
    Offer offer = lastOffer(eng);

    Resource reserveCpu = scalar("cpus", 1).toBuilder().setRole("eng")
        .setReservation(Resource.ReservationInfo.getDefaultInstance()).build();
    TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addResources(reserveCpu).addResources(scalar("mem", 128).toBuilder().setRole("*")).build();
    state.accept(frameworkId, Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
            .setReserve(Offer.Operation.Reserve.newBuilder().addResources(reserveCpu)))
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .build());

    assertThat(state.dynamicReservations()).isEqualTo(Map.of(agentId, Map.of("eng", Resources.scalars(Map.of("cpus", 1.0)))));
    assertThat(agentStream.events).anySatisfy(e -> assertThat(e.getType()).isEqualTo(AgentEvent.Type.RUN_TASK));

    // The task ends: its reserved cpu goes back to eng's reservation and is offered as dynamic.
    state.statusUpdate(agentId, StatusUpdate.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setStatus(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_FINISHED)
            .setUuid(ByteString.copyFromUtf8("u1")))
        .build());
    clock.set(T0.plusSeconds(10));
    state.allocate();
    Offer again = lastOffer(eng);
    assertThat(sum(again, "cpus", "eng", true)).isEqualTo(1.0);
    assertThat(again.getResourcesList()).filteredOn(r -> r.getRole().equals("eng"))
        .allSatisfy(r -> assertThat(r.hasReservation()).isTrue());

    Resource unreserve = again.getResourcesList().stream().filter(r -> r.getRole().equals("eng")).findFirst().orElseThrow();
    state.accept(frameworkId, Call.Accept.newBuilder().addOfferIds(again.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
            .setUnreserve(Offer.Operation.Unreserve.newBuilder().addResources(unreserve)))
        .setFilters(io.mezzo.v1.Protos.Filters.newBuilder().setRefuseSeconds(0))
        .build());
    assertThat(state.dynamicReservations()).isEmpty();
    state.allocate();
    assertThat(sum(lastOffer(eng), "cpus", "*", false)).isEqualTo(4.0);
  }

  @Test
  void aTaskUsingAnotherRolesReservationIsRefused() {
    String agentId = registerAgent(scalar("cpus", 4), scalar("mem", 4096), staticReserved("cpus", 2, "eng"));
    Sink<Event> ops = subscribe("ops", "ops");
    state.allocate();
    Offer offer = lastOffer(ops);
    TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addResources(scalar("cpus", 1).toBuilder().setRole("eng")).build();

    state.accept(frameworkId(ops), Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .build());

    assertThat(ops.events).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo(Event.Type.UPDATE);
      assertThat(e.getUpdate().getStatus().getState()).isEqualTo(TaskState.TASK_ERROR);
    });
    assertThat(agentStream.events).noneSatisfy(e -> assertThat(e.getType()).isEqualTo(AgentEvent.Type.RUN_TASK));
  }

  @Test
  void anOfferOutstandingLongerThanTheOfferTimeoutIsRescindedAndOfferedAgain() {
    registerAgent(scalar("cpus", 4), scalar("mem", 4096));
    Sink<Event> fw = subscribe("fw", "*");
    state.allocate();
    Offer first = lastOffer(fw);

    clock.set(T0.plusSeconds(29));
    state.allocate();
    assertThat(fw.events).noneSatisfy(e -> assertThat(e.getType()).isEqualTo(Event.Type.RESCIND));

    clock.set(T0.plusSeconds(30));
    state.allocate();
    assertThat(fw.events).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo(Event.Type.RESCIND);
      assertThat(e.getRescind().getOfferId()).isEqualTo(first.getId());
    });
    assertThat(lastOffer(fw).getId()).isNotEqualTo(first.getId());
    assertThat(state.offers().spentOutcome(first.getId().getValue()))
        .contains(io.mezzo.master.offers.OfferBook.Outcome.EXPIRED);
  }

  @Test
  void aFrameworksOfferFiltersSetItsMinimumPerRole() {
    registerAgent(scalar("cpus", 4), scalar("mem", 4096));
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("u").setName("big").setRole("batch")
        .putOfferFilters("batch", io.mezzo.v1.Protos.OfferFilters.newBuilder()
            .setMinAllocatableResources(io.mezzo.v1.Protos.OfferFilters.MinAllocatableResources.newBuilder()
                .addQuantities(io.mezzo.v1.Protos.ResourceQuantities.newBuilder()
                    .putQuantities("cpus", Value.Scalar.newBuilder().setValue(8).build())))
            .build())
        .build();
    Sink<Event> big = new Sink<>("big-stream");
    state.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).build(), big);

    state.allocate();

    assertThat(offers(big)).isEmpty();
    assertThat(allocator.explain(frameworkId(big))).singleElement().satisfies(w -> {
      assertThat(w.role()).isEqualTo("batch");
      assertThat(w.reason()).isEqualTo("below-minimum");
    });
  }

  @Test
  void quotaAndWeightsReachTheAllocatorAndBadValuesAreRefused() {
    allocator.updateWeights(Map.of("eng", 2.0));
    allocator.updateQuota("eng", Resources.EMPTY, Resources.scalars(Map.of("cpus", 1.0)));
    registerAgent(scalar("cpus", 4), scalar("mem", 4096));
    Sink<Event> eng = subscribe("eng", "eng");
    state.allocate();
    assertThat(sum(lastOffer(eng), "cpus", "*", false)).isEqualTo(1.0);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> allocator.updateWeights(Map.of("eng", -1.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> allocator.updateQuota("eng",
            Resources.scalars(Map.of("cpus", 2.0)), Resources.scalars(Map.of("cpus", 1.0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds its limit");
  }
}
