package io.mezzo.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.protocol.RecordIO;
import io.mezzo.protocol.Wire;
import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler API master for SDK tests: a real HTTP server on a free port that records every
 * call, answers SUBSCRIBE with 200 and a chunked RecordIO stream (SUBSCRIBED first, then the
 * events a test pushes), and other calls with 202. Checks what a real master checks that the
 * client could get wrong: exact media types, the stream id, framework id consistency.
 */
final class FakeMaster implements AutoCloseable {
  /** One request as received. */
  record Received(Call call, String contentType, String accept, String streamId, byte[] body, String authorization) {}

  private static final Object END = new Object();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-master");
    t.setDaemon(true);
    return t;
  });
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> streamIds = new CopyOnWriteArrayList<>();
  private final AtomicInteger frameworkCounter = new AtomicInteger();
  private volatile Stream stream;
  private volatile String redirectLocation;
  private volatile int subscribeStatus = 200;
  private volatile String subscribeBody = "";
  private volatile int callStatus = 202;
  private volatile String callBody = "";
  private volatile double heartbeatIntervalSeconds = 15;
  /** While set, calls other than SUBSCRIBE wait on it before they are answered. */
  private volatile CountDownLatch callGate;
  private final AtomicInteger callsInProgress = new AtomicInteger();
  private final AtomicInteger mostCallsAtOnce = new AtomicInteger();

  private FakeMaster() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(Wire.SCHEDULER_PATH, this::handle);
    server.start();
  }

  static FakeMaster start() {
    try {
      return new FakeMaster();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the fake master", e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The MasterInfo a real master would publish in ZooKeeper. */
  MasterInfo masterInfo() {
    return MasterInfo.newBuilder()
        .setId("master-" + port())
        .setIp(0x0100007f) // 127.0.0.1 packed as Mesos does
        .setPort(port())
        .setPid("master@127.0.0.1:" + port())
        .setHostname("localhost")
        .setAddress(Address.newBuilder().setIp("127.0.0.1").setHostname("localhost").setPort(port()))
        .build();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  List<Call> calls() {
    return received.stream().map(Received::call).toList();
  }

  List<Call> calls(Call.Type type) {
    return received.stream().map(Received::call).filter(c -> c.getType() == type).toList();
  }

  List<Received> received(Call.Type type) {
    return received.stream().filter(r -> r.call().getType() == type).toList();
  }

  /** Stream ids issued, in order. */
  List<String> streamIds() {
    return List.copyOf(streamIds);
  }

  /** Sends an event on the open subscription stream. */
  void push(Event event) {
    Stream s = stream;
    if (s == null) {
      throw new IllegalStateException("No subscription stream is open");
    }
    s.queue.add(event);
  }

  /** Ends the open subscription stream, as a master does on failover or teardown. */
  void closeStream() {
    Stream s = stream;
    if (s != null) {
      s.queue.add(END);
    }
  }

  /** Answers every request with 307 and this Location (a non-leading master). */
  void redirectTo(String location) {
    redirectLocation = location;
  }

  void answerSubscribeWith(int status, String body) {
    subscribeStatus = status;
    subscribeBody = body;
  }

  void answerCallsWith(int status, String body) {
    callStatus = status;
    callBody = body;
  }

  void heartbeatIntervalSeconds(double seconds) {
    heartbeatIntervalSeconds = seconds;
  }

  @Override
  public void close() {
    Stream s = stream;
    if (s != null) {
      s.queue.add(END);
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "POST");
        reply(exchange, 405, "");
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      String streamId = exchange.getRequestHeaders().getFirst(Wire.MESOS_STREAM_ID);
      if (contentType == null) {
        reply(exchange, 400, "Expecting 'Content-Type' to be present");
        return;
      }
      Codec codec = Codec.forMediaType(contentType);
      if (codec == null) {
        reply(exchange, 415, "Unsupported Content-Type '" + contentType + "'");
        return;
      }
      Call call;
      try {
        call = codec.decode(body, Call.getDefaultInstance());
      } catch (ProtocolException e) {
        reply(exchange, 400, "Failed to parse body: " + e.getMessage());
        return;
      }
      received.add(new Received(call, contentType, accept, streamId, body,
          exchange.getRequestHeaders().getFirst("Authorization")));
      if (redirectLocation != null) {
        exchange.getResponseHeaders().add("Location", redirectLocation);
        reply(exchange, 307, "");
        return;
      }
      if (call.getType() == Call.Type.SUBSCRIBE) {
        subscribe(exchange, call, accept, streamId);
      } else {
        Stream s = stream;
        if (!call.hasFrameworkId()) {
          reply(exchange, 400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
        } else if (streamId == null || s == null || !s.id.equals(streamId)) {
          reply(exchange, 400, "The stream ID '" + streamId + "' included in this request didn't match");
        } else {
          answerCall(exchange);
        }
      }
    }
  }

  /** Calls wait (on the server's threads) until {@link #answerHeldCalls()}. */
  void holdCalls() {
    callGate = new CountDownLatch(1);
  }

  void answerHeldCalls() {
    CountDownLatch gate = callGate;
    callGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Calls received and not answered yet. */
  int callsInProgress() {
    return callsInProgress.get();
  }

  /** The most calls that were ever in progress at once. */
  int mostCallsAtOnce() {
    return mostCallsAtOnce.get();
  }

  private void answerCall(HttpExchange exchange) throws IOException {
    mostCallsAtOnce.accumulateAndGet(callsInProgress.incrementAndGet(), Math::max);
    try {
      CountDownLatch gate = callGate;
      if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a held call was never let through");
      }
      reply(exchange, callStatus, callBody);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      callsInProgress.decrementAndGet();
    }
  }

  private void subscribe(HttpExchange exchange, Call call, String accept, String streamId) throws IOException {
    if (subscribeStatus != 200) {
      reply(exchange, subscribeStatus, subscribeBody);
      return;
    }
    if (streamId != null) {
      reply(exchange, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      return;
    }
    Codec codec = Codec.forMediaType(accept);
    if (codec == null) {
      reply(exchange, 406, "Accept '" + accept + "' matches no supported media type");
      return;
    }
    boolean infoHasId = call.getSubscribe().getFrameworkInfo().hasId();
    if (call.hasFrameworkId() != infoHasId
        || (infoHasId && !call.getFrameworkId().equals(call.getSubscribe().getFrameworkInfo().getId()))) {
      reply(exchange, 400, "'framework_id' differs from 'subscribe.framework_info.id'");
      return;
    }
    FrameworkID frameworkId = call.hasFrameworkId()
        ? call.getFrameworkId()
        : FrameworkID.newBuilder().setValue("fw-" + frameworkCounter.incrementAndGet()).build();

    Stream previous = stream;
    if (previous != null) {
      previous.queue.add(END);
    }
    Stream s = new Stream(UUID.randomUUID().toString());
    streamIds.add(s.id);
    s.queue.add(Event.newBuilder()
        .setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(frameworkId)
            .setHeartbeatIntervalSeconds(heartbeatIntervalSeconds)
            .setMasterInfo(masterInfo()))
        .build());
    stream = s;

    exchange.getResponseHeaders().add("Content-Type", codec.mediaType());
    exchange.getResponseHeaders().add(Wire.MESOS_STREAM_ID, s.id);
    exchange.sendResponseHeaders(200, 0); // chunked
    OutputStream out = exchange.getResponseBody();
    try {
      while (true) {
        Object item = s.queue.take();
        if (item == END) {
          break;
        }
        byte[] frame = RecordIO.encode(codec.encode((Event) item));
        // Split every record across two chunks: the client must not rely on chunk boundaries.
        int half = frame.length / 2;
        out.write(Arrays.copyOfRange(frame, 0, half));
        out.flush();
        out.write(Arrays.copyOfRange(frame, half, frame.length));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      if (stream == s) {
        stream = null;
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static final class Stream {
    final String id;
    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    Stream(String id) {
      this.id = id;
    }
  }
}
