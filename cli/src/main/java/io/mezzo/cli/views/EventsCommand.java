package io.mezzo.cli.views;

import io.mezzo.cli.operator.EventStream;
import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.master.Protos.Event;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo events}: the master's operator event stream, one line per event. */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Prints the master's operator events, one line each: the SUBSCRIBED snapshot's summary,"
        + " then with --follow every event as it comes (tasks, agents, frameworks, offers).")
public final class EventsCommand extends ViewCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Option(names = {"-f", "--follow"}, description = "Keep printing events until interrupted or the stream ends")
  boolean follow;

  @Option(names = "--type", split = ",", paramLabel = "TYPE",
      description = "Only events of these types (comma-separated or repeated), e.g. TASK_UPDATED,OFFER_CREATED")
  List<String> typeNames;

  @Option(names = {"-t", "--timestamps"}, description = "Start each line with the local time it arrived")
  boolean timestamps;

  Set<EventKind> types;

  @Override
  void validate() {
    types = typeNames == null ? EnumSet.allOf(EventKind.class) : EnumSet.noneOf(EventKind.class);
    if (typeNames != null) {
      for (String name : typeNames) {
        types.add(eventType(name));
      }
    }
  }

  static EventKind eventType(String name) {
    try {
      EventKind type = EventKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
      if (type != EventKind.UNKNOWN) {
        return type;
      }
    } catch (IllegalArgumentException e) {
      // named below
    }
    throw new IllegalArgumentException("--type must be an event type (SUBSCRIBED, TASK_ADDED, TASK_UPDATED, AGENT_ADDED,"
        + " AGENT_REMOVED, FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED, HEARTBEAT, OFFER_CREATED,"
        + " OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED, OFFER_EXPIRED), got '" + name + "'");
  }

  @Override
  int run(OperatorClient client) {
    try (EventStream stream = client.subscribe()) {
      for (Event event = stream.next(); event != null; event = stream.next()) {
        if (types.contains(EventKind.of(event))) {
          String text = json() ? JsonCodec.print(event) : EventLines.line(event);
          say(timestamps ? LocalTime.now().format(TIME) + " " + text : text);
        }
        if (!follow) {
          return 0;
        }
      }
    }
    err().println("The master ended the event stream");
    return 1;
  }
}
