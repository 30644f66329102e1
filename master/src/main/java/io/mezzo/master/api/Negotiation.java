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
