package io.mezzo.master.api;

import io.mezzo.master.state.CallRejected;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.protocol.Ids;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * An agent's sandbox files through the leading master, for the web UI: {@code GET
 * /agents/<agent id>/files/read|browse|download?...} is the agent's own {@code /files/...} with
 * the same query, asked by the master and streamed back. The page then reads from its own origin:
 * it needs neither the agent to allow another origin nor the browser to trust or authenticate to
 * the agent separately. The caller's {@code Authorization} goes with the request, so the agent
 * authenticates the caller and applies {@code access_sandboxes} to the caller's principal, as when
 * the caller asks the agent itself; the master adds no access of its own. It reaches only
 * registered agents, at the address they registered with, over TLS verified against the
 * cluster's CA when the master has one.
 */
final class AgentFilesProxy implements Handler<RoutingContext> {
  /** The operations of the agent's files API the master passes on. */
  static final List<String> OPERATIONS = List.of("read", "browse", "download");
  /** The routes: {@code /agents/:agent_id/files/<operation>}. */
  static final List<String> PATHS = OPERATIONS.stream().map(op -> "/agents/:agent_id/files/" + op).toList();
  /** The agent's headers that reach the caller; hop-by-hop and others stay behind. */
  private static final List<CharSequence> PASSED_BACK = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH,
      HttpHeaders.CONTENT_DISPOSITION, "WWW-Authenticate");
  private static final long TIMEOUT_MS = 30_000;

  private final HttpClient client;

  /** A proxy whose client speaks TLS to the agents as {@code tls} says (verifying them against its CA). */
  AgentFilesProxy(Vertx vertx, NodeTls tls) {
    this.client = vertx.createHttpClient(tls.client(new HttpClientOptions().setConnectTimeout(5_000)
        .setIdleTimeout(60).setKeepAlive(true)), new PoolOptions().setHttp1MaxSize(8));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String agentId = ctx.pathParam("agent_id");
    Ids.checkId("agent id", agentId).ifPresent(problem -> {
      throw new CallRejected(400, problem);
    });
    String path = ctx.normalizedPath();
    String operation = path.substring(path.lastIndexOf('/') + 1);
    Optional<String> base = LeaderGate.leading(ctx).state().agentUrl(agentId);
    if (base.isEmpty()) {
      throw new CallRejected(404, "No agent '" + agentId + "' is registered");
    }
    String query = ctx.request().query();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(base.get() + "/files/" + operation + (query == null ? "" : "?" + query))
        .setIdleTimeout(TIMEOUT_MS);
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    HttpServerResponse response = ctx.response();
    client.request(request).compose(req -> req.send()).onComplete(answer -> {
      if (answer.failed()) {
        if (!response.headWritten()) {
          ctx.fail(new CallRejected(502, "Agent " + agentId + " at " + base.get() + " did not answer: "
              + answer.cause().getMessage()));
        }
        return;
      }
      HttpClientResponse from = answer.result();
      response.setStatusCode(from.statusCode());
      for (CharSequence header : PASSED_BACK) {
        String value = from.getHeader(header);
        if (value != null) {
          response.putHeader(header, value);
        }
      }
      if (from.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
        response.setChunked(true);
      }
      from.pipeTo(response);
    });
  }
}
