package io.mezzo.agent.operator;

import com.google.protobuf.ByteString;
import io.mezzo.agent.files.FileRequestException;
import io.mezzo.agent.files.FilesHandler;
import io.mezzo.agent.support.CallerPrincipal;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.v1.Protos.Flag;
import io.mezzo.v1.Protos.Metric;
import io.mezzo.v1.Protos.VersionInfo;
import io.mezzo.v1.agent.Protos.Call;
import io.mezzo.v1.agent.Protos.Response;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos v1 operator API of the agent, {@code POST /api/v1}: GET_HEALTH, GET_FLAGS,
 * GET_VERSION, GET_METRICS, GET_STATE, GET_CONTAINERS, GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS,
 * GET_AGENT, LIST_FILES and READ_FILE, in JSON or protobuf, with Mesos's checks and status codes: POST (405
 * with {@code Allow}), a Content-Type (400) that is exactly JSON or protobuf (415), a body that
 * parses (400), an {@code Accept} that allows JSON or protobuf (406; none means JSON), the call's
 * payload when it needs one (400); UNKNOWN and the calls Mezzo does not serve get 501. LIST_FILES and READ_FILE follow the files API's rules and answers
 * ({@link FilesHandler}), including its sandbox access check (403) for the authenticated caller. The body comes from {@link BoundedBody}.
 *
 * <p>The GET_* calls about tasks take an {@link AgentSnapshot} copied on the agent's context and
 * build and encode the response on a worker thread, so a large agent's state does not hold the
 * agent's event loop.
 */
public final class AgentOperatorApi implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(AgentOperatorApi.class);

  /** What the operator API reads of the agent. */
  public interface Source {
    /** What the agent has, copied on its context; completes once copied (fails before the agent started). */
    Future<AgentSnapshot> snapshot();

    /** The agent's flags by name, as GET_FLAGS shows them. */
    Map<String, String> flags();

    /** The agent's version, as GET_VERSION shows it. */
    String version();

    /** The agent's metrics by Mesos name, as {@code /metrics/snapshot} shows them. */
    Future<Map<String, Double>> metrics();
  }

  private final Vertx vertx;
  private final Source source;
  private final FilesHandler files;
  private Optional<io.mezzo.node.auth.Acls> acls = Optional.empty();

  public AgentOperatorApi(Vertx vertx, Source source, FilesHandler files) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.source = Objects.requireNonNull(source, "source");
    this.files = Objects.requireNonNull(files, "files");
  }

  /**
   * Filters GET_STATE, GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS and GET_CONTAINERS by the view ACLs
   * ({@link ViewAccess}) for each caller. Call before serving.
   */
  public AgentOperatorApi views(Optional<io.mezzo.node.auth.Acls> acls) {
    this.acls = Objects.requireNonNull(acls, "acls");
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.POST) {
      request.response().putHeader(HttpHeaders.ALLOW, "POST");
      fail(request.response(), 405, "Expecting 'POST', received '" + request.method() + "'");
      return;
    }
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null) {
      fail(request.response(), 400, "Expecting 'Content-Type' to be present");
      return;
    }
    Codec requestCodec = Codec.forMediaType(contentType);
    if (requestCodec == null) {
      fail(request.response(), 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
      return;
    }
    Call call;
    try {
      call = requestCodec.decode(BoundedBody.body(ctx).getBytes(), Call.getDefaultInstance());
    } catch (ProtocolException e) {
      fail(request.response(), 400, "Failed to parse body into Call: " + e.getMessage());
      return;
    }
    Optional<Codec> accepted = Codec.accepted(request.getHeader(HttpHeaders.ACCEPT));
    if (accepted.isEmpty()) {
      fail(request.response(), 406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
      return;
    }
    answer(call, accepted.get(), request.response(), CallerPrincipal.of(ctx));
  }

  /** @param principal the authenticated caller, whose sandbox access LIST_FILES and READ_FILE check */
  private void answer(Call call, Codec codec, HttpServerResponse response, Optional<String> principal) {
    ViewAccess views = ViewAccess.of(acls, principal);
    switch (call.getType()) {
      case GET_HEALTH -> respond(response, codec, Future.succeededFuture(Response.newBuilder()
          .setType(Response.Type.GET_HEALTH)
          .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true)).build()));
      case GET_FLAGS -> {
        Response.GetFlags.Builder flags = Response.GetFlags.newBuilder();
        source.flags().forEach((name, value) -> flags.addFlags(Flag.newBuilder().setName(name).setValue(value)));
        respond(response, codec, Future.succeededFuture(Response.newBuilder()
            .setType(Response.Type.GET_FLAGS).setGetFlags(flags).build()));
      }
      case GET_VERSION -> respond(response, codec, Future.succeededFuture(Response.newBuilder()
          .setType(Response.Type.GET_VERSION)
          .setGetVersion(Response.GetVersion.newBuilder()
              .setVersionInfo(VersionInfo.newBuilder().setVersion(source.version()))).build()));
      case GET_METRICS -> respond(response, codec, source.metrics().map(values -> {
        Response.GetMetrics.Builder metrics = Response.GetMetrics.newBuilder();
        values.forEach((name, value) -> metrics.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
        return Response.newBuilder().setType(Response.Type.GET_METRICS).setGetMetrics(metrics).build();
      }));
      case GET_STATE -> fromSnapshot(response, codec, views, s -> Response.newBuilder()
          .setType(Response.Type.GET_STATE).setGetState(OperatorResponses.state(s)).build());
      case GET_TASKS -> fromSnapshot(response, codec, views, s -> Response.newBuilder()
          .setType(Response.Type.GET_TASKS).setGetTasks(OperatorResponses.tasks(s)).build());
      case GET_EXECUTORS -> fromSnapshot(response, codec, views, s -> Response.newBuilder()
          .setType(Response.Type.GET_EXECUTORS).setGetExecutors(OperatorResponses.executors(s)).build());
      case GET_FRAMEWORKS -> fromSnapshot(response, codec, views, s -> Response.newBuilder()
          .setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(OperatorResponses.frameworks(s)).build());
      case GET_CONTAINERS -> fromSnapshot(response, codec, views, s -> Response.newBuilder()
          .setType(Response.Type.GET_CONTAINERS).setGetContainers(OperatorResponses.containers(s)).build());
      case GET_AGENT -> fromSnapshot(response, codec, ViewAccess.ALL, s -> Response.newBuilder()
          .setType(Response.Type.GET_AGENT)
          .setGetAgent(Response.GetAgent.newBuilder().setAgentInfo(s.agentInfo())).build());
      case LIST_FILES -> {
        if (!call.hasListFiles()) {
          fail(response, 400, "Expecting 'list_files' to be present");
          return;
        }
        respond(response, codec, files.listFiles(principal, call.getListFiles().getPath()).map(infos -> Response.newBuilder()
            .setType(Response.Type.LIST_FILES)
            .setListFiles(Response.ListFiles.newBuilder().addAllFileInfos(infos)).build()));
      }
      case READ_FILE -> {
        if (!call.hasReadFile()) {
          fail(response, 400, "Expecting 'read_file' to be present");
          return;
        }
        Call.ReadFile read = call.getReadFile();
        // uint64 on the wire: a value past Long.MAX_VALUE arrives negative and is refused as such.
        respond(response, codec, files.readFile(principal, read.getPath(), read.getOffset(),
            read.hasLength() ? read.getLength() : null).map(result -> Response.newBuilder()
            .setType(Response.Type.READ_FILE)
            .setReadFile(Response.ReadFile.newBuilder().setSize(result.size()).setData(ByteString.copyFrom(result.data())))
            .build()));
      }
      case UNKNOWN -> fail(response, 501, "Received an unknown call type");
      default -> fail(response, 501, call.getType() + " is not supported by this agent's operator API");
    }
  }

  /**
   * Takes a snapshot on the agent's context, then keeps what the caller may see and builds and
   * encodes the response on a worker thread.
   */
  private void fromSnapshot(HttpServerResponse response, Codec codec, ViewAccess views,
      Function<AgentSnapshot, Response> build) {
    source.snapshot()
        .compose(snapshot -> vertx.executeBlocking(() -> codec.encode(build.apply(views.filter(snapshot))), false))
        .onComplete(encoded -> send(response, codec, encoded.succeeded() ? encoded.result() : null, encoded.cause()));
  }

  private void respond(HttpServerResponse response, Codec codec, Future<Response> answer) {
    answer.compose(message -> vertx.executeBlocking(() -> codec.encode(message), false))
        .onComplete(encoded -> send(response, codec, encoded.succeeded() ? encoded.result() : null, encoded.cause()));
  }

  private static void send(HttpServerResponse response, Codec codec, byte[] body, Throwable failure) {
    if (failure == null) {
      if (!response.ended() && !response.closed()) {
        response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, codec.mediaType()).end(Buffer.buffer(body));
      }
    } else if (failure instanceof FileRequestException refused) {
      if (refused.status() == 503) {
        response.putHeader(HttpHeaders.RETRY_AFTER, "5");
      }
      fail(response, refused.status(), refused.getMessage());
    } else if (failure instanceof IllegalStateException) {
      fail(response, 503, "The agent cannot answer now: " + failure.getMessage());
    } else {
      log.warn("Operator API call failed", failure);
      fail(response, 500, "Internal error: " + failure);
    }
  }

  private static void fail(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.closed() || response.headWritten()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(message);
  }
}
