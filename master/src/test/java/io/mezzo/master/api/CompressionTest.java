package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.protocol.Codec;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Response compression: gzip when the client asks, as Mesos answers; the RecordIO event streams
 * are never compressed, so each event arrives as soon as it is sent, not when more data follows.
 */
class CompressionTest {
  private MasterFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new MasterFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private HttpResponse<byte[]> getState(String acceptEncoding) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1"))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Accept", Codec.PROTOBUF.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(Call.newBuilder().setType(Call.Type.GET_STATE).build()
            .toByteArray()));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void getStateIsGzippedWhenTheClientAsksAndPlainOtherwise() throws Exception {
    fixture.registerAgent();

    HttpResponse<byte[]> gzipped = getState("gzip");
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
    Response unzipped;
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
      unzipped = Response.parseFrom(in.readAllBytes());
    }
    assertThat(unzipped.getGetState().getGetAgents().getAgentsCount()).isEqualTo(1);

    HttpResponse<byte[]> plain = getState(null);
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(Response.parseFrom(plain.body()).getGetState().getGetAgents().getAgentsCount()).isEqualTo(1);
  }

  @Test
  void theOperatorStreamIsNotCompressedAndEachEventArrivesWithoutWaitingForMore() throws Exception {
    HttpResponse<InputStream> stream = fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1"))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Accept", Codec.PROTOBUF.mediaType())
        .header("Accept-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build()
            .toByteArray())).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Encoding")).isEmpty();
      RecordReader reader = new RecordReader(in);
      // SUBSCRIBED and the first HEARTBEAT, then nothing until the agent registers: each is readable alone.
      assertThat(reader.until(e -> e.getType() == Event.Type.HEARTBEAT)).extracting(Event::getType)
          .containsExactly(Event.Type.SUBSCRIBED, Event.Type.HEARTBEAT);
      fixture.registerAgent();
      assertThat(reader.until(e -> e.getType() == Event.Type.AGENT_ADDED)).extracting(Event::getType)
          .containsExactly(Event.Type.AGENT_ADDED);
    }
  }

  @Test
  void theSchedulerStreamIsNotCompressed() throws Exception {
    HttpResponse<InputStream> stream = fixture.http.send(HttpRequest.newBuilder(
            URI.create(fixture.url() + Wire.SCHEDULER_PATH))
        .header("Content-Type", Codec.PROTOBUF.mediaType()).header("Accept", Codec.PROTOBUF.mediaType())
        .header("Accept-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(MasterFixture.subscribe()))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Encoding")).isEmpty();
      byte[] first = new RecordReader(in).next();
      assertThat(io.mezzo.v1.scheduler.Protos.Event.parseFrom(first).getType())
          .isEqualTo(io.mezzo.v1.scheduler.Protos.Event.Type.SUBSCRIBED);
    }
  }

  /** Reads RecordIO records off a stream, each read bounded in time. */
  static final class RecordReader {
    private final InputStream in;
    private final RecordIO.Decoder decoder = new RecordIO.Decoder();
    private final java.util.ArrayDeque<byte[]> ready = new java.util.ArrayDeque<>();

    RecordReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws Exception {
      while (ready.isEmpty()) {
        byte[] chunk = CompletableFuture.supplyAsync(() -> {
          try {
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            return n < 0 ? null : java.util.Arrays.copyOf(buffer, n);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).get(10, TimeUnit.SECONDS);
        assertThat(chunk).as("the stream ended").isNotNull();
        ready.addAll(decoder.feed(chunk));
      }
      return ready.poll();
    }

    /** Events up to and including the first that matches. */
    List<Event> until(Predicate<Event> last) throws Exception {
      List<Event> out = new ArrayList<>();
      while (true) {
        Event event = Event.parseFrom(next());
        if (event.hasOfferEvent()) {
          continue;
        }
        out.add(event);
        if (last.test(event)) {
          return out;
        }
      }
    }
  }
}
