package io.mezzo.master.api;

import io.mezzo.protocol.Codec;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;

/** Media-type negotiation and plain-text errors, as Mesos's HTTP handlers do them. */
final class Negotiation {
  private Negotiation() {}

  /**
   * The stream encoding for an {@code Accept} header: none means anything (JSON is chosen);
   * JSON is tried first, then protobuf; wildcards count; {@code q=0} excludes.
   */
  static Optional<Codec> accepted(String accept) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(Codec.JSON);
    }
    for (Codec codec : new Codec[] {Codec.JSON, Codec.PROTOBUF}) {
      for (String part : accept.split(",")) {
        String[] params = part.trim().split(";");
        String type = params[0].trim().toLowerCase();
        boolean excluded = false;
        for (int i = 1; i < params.length; i++) {
          String p = params[i].trim().replace(" ", "");
          if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
            excluded = true;
          }
        }
        if (!excluded && (type.equals(codec.mediaType()) || type.equals("*/*") || type.equals("application/*"))) {
          return Optional.of(codec);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The checks every streaming API makes first, in Mesos's order: leader (307/503), POST (405),
   * a Content-Type (400) that names a known encoding (415), a body that parses (400).
   *
   * @return the decoded message, or null after the request was answered with an error
   */
  static <M extends com.google.protobuf.Message> M leaderPostDecode(io.vertx.ext.web.RoutingContext ctx,
      LeaderGate gate, M prototype) {
    HttpServerRequest request = ctx.request();
    if (gate.leading() == null) {
      if (gate.recovering()) {
        fail(request, 503, "Master has not finished recovery");
      } else {
        redirectToLeader(request, gate.leaderHostPort());
      }
      return null;
    }
    if (request.method() != io.vertx.core.http.HttpMethod.POST) {
      request.response().putHeader("Allow", "POST");
      fail(request, 405, "Expecting 'POST', received '" + request.method() + "'");
      return null;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null) {
      fail(request, 400, "Expecting 'Content-Type' to be present");
      return null;
    }
    Codec codec = Codec.forMediaType(contentType.trim());
    if (codec == null) {
      fail(request, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
      return null;
    }
    try {
      return codec.decode(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes(), prototype);
    } catch (io.mezzo.protocol.ProtocolException e) {
      fail(request, 400, e.getMessage());
      return null;
    }
  }

  /** The codec a request's body was sent in (after {@link #leaderPostDecode} accepted it). */
  static Codec requestCodec(HttpServerRequest request) {
    return Codec.forMediaType(request.getHeader("Content-Type").trim());
  }

  static void fail(HttpServerRequest request, int status, String message) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
  }

  /** 307 to the leader keeping the path (Mesos's protocol-relative form), or 503 when no leader is known. */
  static void redirectToLeader(HttpServerRequest request, Optional<String> leader) {
    if (leader.isPresent()) {
      request.response().setStatusCode(307).putHeader("Location", "//" + leader.get() + request.uri()).end();
    } else {
      fail(request, 503, "No leader elected");
    }
  }
}
