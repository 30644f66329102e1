package io.mezzo.agent.executors;

import io.mezzo.node.http.BoundedBody;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.executor.Protos.Call;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos v1 executor API, {@code POST /api/v1/executor}, checked in the order the Mesos
 * agent checks it: POST (405), a Content-Type (400) that is exactly JSON or protobuf (415), a
 * body that parses (400) and validates (400), an acceptable {@code Accept} for SUBSCRIBE (406),
 * a known framework and executor (400), a subscribed executor for every other call (403).
 * SUBSCRIBE answers 200 with a RecordIO event stream; UPDATE, MESSAGE and HEARTBEAT answer 202.
 * With executor authentication on, first of all a call without a valid token of this agent's gets
 * 401, and one about another executor than its token names 403 ({@link ExecutorTokens}).
 */
public final class ExecutorApi implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ExecutorApi.class);

  /** Mesos's realm for executor authentication. */
  static final String REALM = "mesos-agent-executor";

  private final Context agentContext;
  private final ExecutorRegistry registry;
  private final Optional<ExecutorTokens> tokens;

  /**
   * @param agentContext the context that owns {@code registry}
   * @param tokens when present, every call must carry the token of the executor it is about
   */
  public ExecutorApi(Context agentContext, ExecutorRegistry registry, Optional<ExecutorTokens> tokens) {
    this.agentContext = Objects.requireNonNull(agentContext, "agentContext");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** @param body reads each call's body within the executor API's cap and the agent's body budget */
  public void mount(Router router, BoundedBody body) {
    router.route(Wire.EXECUTOR_PATH).handler(body).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.POST) {
      request.response().putHeader("Allow", "POST");
      answer(request.response(), 405, "Expecting 'POST', received '" + request.method() + "'");
      return;
    }
    Optional<ExecutorTokens.Claims> claims = Optional.empty();
    if (tokens.isPresent()) {
      // As Mesos's agent: authentication comes before anything is read of the call.
      String authorization = request.getHeader("Authorization");
      claims = authorization != null && authorization.startsWith("Bearer ")
          ? tokens.get().verify(authorization.substring("Bearer ".length()).strip()) : Optional.empty();
      if (claims.isEmpty()) {
        request.response().putHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
        answer(request.response(), 401, authorization == null ? "Missing the executor's token ('Authorization: Bearer')"
            : "Invalid executor token");
        return;
      }
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null) {
      answer(request.response(), 400, "Expecting 'Content-Type' to be present");
      return;
    }
    Codec codec = Codec.forMediaType(contentType);
    if (codec == null) {
      answer(request.response(), 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
      return;
    }
    Call call;
    try {
      call = codec.decode(BoundedBody.body(ctx).getBytes(), Call.getDefaultInstance());
    } catch (ProtocolException e) {
      answer(request.response(), 400, "Failed to parse body into Call: " + e.getMessage());
      return;
    }
    Optional<String> invalid = ExecutorCallValidation.validate(call);
    if (invalid.isPresent()) {
      answer(request.response(), 400, "Failed to validate executor::Call: " + invalid.get());
      return;
    }
    if (claims.isPresent() && !(claims.get().frameworkId().equals(call.getFrameworkId().getValue())
        && claims.get().executorId().equals(call.getExecutorId().getValue()))) {
      answer(request.response(), 403, "The token is for executor '" + claims.get().executorId() + "' of framework '"
          + claims.get().frameworkId() + "', not this call's");
      return;
    }
    Context requestContext = Vertx.currentContext();
    if (call.getType() == Call.Type.SUBSCRIBE) {
      Optional<Codec> streamCodec = Codec.accepted(request.getHeader("Accept"));
      if (streamCodec.isEmpty()) {
        answer(request.response(), 406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
        return;
      }
      ExecutorStream stream = new ExecutorStream(request.response(), streamCodec.get(), requestContext);
      request.response().closeHandler(v -> agentContext.runOnContext(w -> registry.subscriptions().disconnected(stream)));
      dispatch(request.response(), requestContext, () -> {
        registry.subscriptions().subscribe(call, stream);
        return 0;
      });
      return;
    }
    dispatch(request.response(), requestContext, () -> {
      switch (call.getType()) {
        case UPDATE -> registry.subscriptions().update(call);
        case MESSAGE -> registry.subscriptions().message(call);
        case HEARTBEAT -> registry.subscriptions().check(call);
        default -> {
          registry.subscriptions().check(call);
          throw new ExecutorCallRejected(501, "Received an unknown call type");
        }
      }
      return 202;
    });
  }

  /** Runs {@code call} on the agent's context and answers with its status (0: it answered itself). */
  private void dispatch(HttpServerResponse response, Context requestContext, java.util.function.IntSupplier call) {
    agentContext.runOnContext(v -> {
      int status;
      String message = "";
      try {
        status = call.getAsInt();
      } catch (ExecutorCallRejected e) {
        status = e.status();
        message = e.getMessage();
        log.debug("Executor API call rejected with {}: {}", status, message);
      } catch (RuntimeException e) {
        // A bug, but the executor still gets an answer rather than a hanging request.
        log.error("Executor API call failed", e);
        status = 500;
        message = "Internal error: " + e;
      }
      if (status == 0) {
        return;
      }
      int answer = status;
      String text = message;
      requestContext.runOnContext(w -> answer(response, answer, text));
    });
  }

  private static void answer(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(status);
    if (message.isEmpty()) {
      response.end();
    } else {
      response.putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }
  }
}
