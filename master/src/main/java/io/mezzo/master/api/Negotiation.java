package io.mezzo.master.api;

import io.mezzo.master.state.CallRejected;
import io.mezzo.node.http.BoundedBody;
import io.mezzo.protocol.Codec;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;

/** Media-type negotiation and plain-text errors, as Mesos's HTTP handlers do them. */
final class Negotiation {
  /** Where {@link #decodePost} keeps the call it decoded, on the routing context. */
  private static final String DECODED = "mezzo.decoded-call";

  private Negotiation() {}

  /**
   * The stream encoding for an {@code Accept} header: none means anything (JSON is chosen);
   * JSON is tried first, then protobuf; wildcards count; {@code q=0} excludes.
   */
  static Optional<Codec> accepted(String accept) {
    return Codec.accepted(accept);
  }

  /**
   * The checks every v1 API makes after the leader gate, in Mesos's order: POST (405, with
   * {@code Allow}), a Content-Type (400) that names a known encoding (415), a body that parses (400).
   *
   * @return the decoded message
   * @throws CallRejected with the status and message to answer
   */
  static <M extends com.google.protobuf.Message> M decodePost(io.vertx.ext.web.RoutingContext ctx, M prototype) {
    Codec codec = postCodec(ctx);
    Object decoded = ctx.get(DECODED);
    if (prototype.getClass().isInstance(decoded)) {
      // Decoded once already for this request (authentication looks at the call type first).
      @SuppressWarnings("unchecked")
      M call = (M) decoded;
      return call;
    }
    M call = decode(codec, BoundedBody.body(ctx).getBytes(), prototype);
    ctx.put(DECODED, call);
    return call;
  }

  /** The checks of {@link #decodePost} short of decoding: POST (405), a Content-Type (400) of a known encoding (415). */
  static Codec postCodec(io.vertx.ext.web.RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != io.vertx.core.http.HttpMethod.POST) {
      request.response().putHeader("Allow", "POST");
      throw new CallRejected(405, "Expecting 'POST', received '" + request.method() + "'");
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null) {
      throw new CallRejected(400, "Expecting 'Content-Type' to be present");
    }
    Codec codec = Codec.forMediaType(contentType.trim());
    if (codec == null) {
      throw new CallRejected(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
    }
    return codec;
  }

  /** A body that parses (else 400). */
  static <M extends com.google.protobuf.Message> M decode(Codec codec, byte[] body, M prototype) {
    try {
      return codec.decode(body, prototype);
    } catch (io.mezzo.protocol.ProtocolException e) {
      throw new CallRejected(400, e.getMessage());
    }
  }

  /** The codec a request's body was sent in (after {@link #decodePost} accepted it). */
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
}
