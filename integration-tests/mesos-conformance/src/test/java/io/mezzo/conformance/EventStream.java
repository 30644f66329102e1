package io.mezzo.conformance;

import java.io.InputStream;
import java.net.http.HttpResponse;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** A scheduler SUBSCRIBE response: a {@link RecordStream} of scheduler Events. */
final class EventStream extends RecordStream<Event> {

  EventStream(HttpResponse<InputStream> response, Encoding encoding) {
    super(response, encoding, Event.getDefaultInstance());
  }

  String streamId() {
    return header("Mesos-Stream-Id");
  }

  Event next(Event.Type type) throws InterruptedException {
    return next(e -> e.getType() == type);
  }
}
