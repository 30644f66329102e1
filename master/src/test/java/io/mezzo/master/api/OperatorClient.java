package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.protocol.internal.AgentChannel.StatusUpdate;
import io.mezzo.v1.Protos.Filters;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The operator API of a {@link MasterFixture}'s master, and the scheduler and agent steps that give it something to show. */
final class OperatorClient {
  private final MasterFixture fixture;

  OperatorClient(MasterFixture fixture) {
    this.fixture = fixture;
  }

  HttpResponse<byte[]> call(Call call, Codec codec) throws Exception {
    return OperatorApiTest.post(fixture.http, fixture.url(), codec.mediaType(), codec.mediaType(), codec.encode(call));
  }

  /** A call that must answer 200 with a body of {@code type}'s response. */
  Response get(Call call, Codec codec) throws Exception {
    HttpResponse<byte[]> response = call(call, codec);
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(codec.mediaType());
    return codec.decode(response.body(), Response.getDefaultInstance());
  }

  Response get(Call.Type type, Codec codec) throws Exception {
    return get(Call.newBuilder().setType(type).build(), codec);
  }

  EventStream<Event> subscribe(Codec codec) throws Exception {
    return new EventStream<>(fixture.http, fixture.url() + "/api/v1",
        Call.newBuilder().setType(Call.Type.SUBSCRIBE).build(), codec, Event.getDefaultInstance());
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** Launches a command task from the framework's next offer; returns the RUN_TASK the agent got. */
  AgentEvent.RunTask launch(EventStream<Protos.Event> scheduler, FrameworkID frameworkId, FakeAgent agent,
      String taskId) throws Exception {
    Offer offer = scheduler.next(e -> e.getType() == Protos.Event.Type.OFFERS).getOffers().getOffers(0);
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).addResources(FakeAgent.scalar("cpus", 0.5))
        .addResources(FakeAgent.scalar("mem", 64))
        .setCommand(io.mezzo.v1.Protos.CommandInfo.newBuilder().setValue("sleep 100")).build();
    Protos.Call accept = Protos.Call.newBuilder().setType(Protos.Call.Type.ACCEPT).setFrameworkId(frameworkId)
        .setAccept(Protos.Call.Accept.newBuilder().addOfferIds(offer.getId())
            .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
            .setFilters(Filters.newBuilder().setRefuseSeconds(0)))
        .build();
    assertThat(fixture.call(accept, scheduler).statusCode()).isEqualTo(202);
    return agent.next(e -> e.getType() == AgentEvent.Type.RUN_TASK).getRunTask();
  }

  /** The agent reports the task in {@code state}. */
  static void report(FakeAgent agent, FrameworkID frameworkId, String taskId, TaskState state) throws Exception {
    AgentCall update = AgentCall.newBuilder().setType(AgentCall.Type.STATUS_UPDATE)
        .setAgentId(io.mezzo.v1.Protos.AgentID.newBuilder().setValue(agent.id()))
        .setStatusUpdate(StatusUpdate.newBuilder().setFrameworkId(frameworkId).setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setUuid(com.google.protobuf.ByteString.copyFrom(new byte[16]))))
        .build();
    assertThat(agent.call(update).statusCode()).isEqualTo(202);
  }
}
