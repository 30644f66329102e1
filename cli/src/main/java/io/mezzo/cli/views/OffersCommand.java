package io.mezzo.cli.views;

import io.mezzo.cli.operator.EventStream;
import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mezzo offers}: the outstanding offers, and with --watch their events as they come. Both
 * read the master's event stream: the SUBSCRIBED snapshot holds the outstanding offers, and the
 * offer history the master sends right after it (up to the first HEARTBEAT) tells when each was
 * created, which the operator API's {@code Offer} does not.
 */
@Command(name = "offers", mixinStandardHelpOptions = true,
    description = "Lists the outstanding offers with their age; --watch then prints each offer event"
        + " (created, accepted, declined, rescinded, expired) as the master's stream tells it.")
public final class OffersCommand extends ViewCommand {
  @Option(names = {"-w", "--watch"}, description = "Follow the master's event stream until interrupted or it ends")
  boolean watch;

  /** When each offer was created (seconds since the epoch), for those whose OFFER_CREATED was seen. */
  private final Map<String, Double> created = new HashMap<>();
  private final Clock clock = Clock.systemUTC();

  @Override
  int run(OperatorClient client) {
    try (EventStream stream = client.subscribe()) {
      GetFrameworks snapshot = null;
      List<Event> history = new java.util.ArrayList<>();
      for (Event event = stream.next(); event != null; event = stream.next()) {
        if (event.getType() == Event.Type.SUBSCRIBED) {
          snapshot = event.getSubscribed().getGetState().getGetFrameworks();
        } else if (snapshot != null && history != null && event.getType() == Event.Type.HEARTBEAT) {
          // The history is in: every offer still outstanding that was created in it has its time.
          history.forEach(this::remember);
          print(snapshot);
          if (!watch) {
            return 0;
          }
          history.forEach(e -> say(json() ? JsonCodec.print(e) : EventLines.line(e)));
          history = null;
        } else if (event.hasOfferEvent()) {
          if (history != null) {
            history.add(event);
          } else {
            follow(event);
          }
        }
      }
    }
    err().println("The master ended the event stream");
    return 1;
  }

  private void remember(Event event) {
    Event.OfferEvent offer = event.getOfferEvent();
    if (EventKind.of(event) == EventKind.OFFER_CREATED && offer.hasTimestamp()) {
      created.put(offer.getOfferId().getValue(), offer.getTimestamp());
    } else if (EventKind.of(event) != EventKind.OFFER_CREATED) {
      created.remove(offer.getOfferId().getValue());
    }
  }

  private void follow(Event event) {
    remember(event);
    say(json() ? JsonCodec.print(event) : EventLines.line(event));
  }

  private void print(GetFrameworks frameworks) {
    List<Offer> offers = frameworks.getFrameworksList().stream().flatMap(f -> f.getOffersList().stream()).toList();
    if (json()) {
      say("{\"offers\":[" + offers.stream().map(JsonCodec::print).collect(Collectors.joining(",")) + "]}");
      return;
    }
    Table table = new Table("ID", "FRAMEWORK", "AGENT", "HOST", "ROLE", "RESOURCES", "AGE");
    for (Offer offer : offers) {
      table.row(offer.getId().getValue(), offer.getFrameworkId().getValue(), offer.getAgentId().getValue(),
          offer.getHostname(), offer.getAllocationInfo().getRole(), Quantities.of(offer.getResourcesList()),
          age(offer));
    }
    out().print(table.render());
    out().flush();
  }

  /** Now minus the offer's OFFER_CREATED time, when the history had it; {@code -} otherwise. */
  private String age(Offer offer) {
    Double at = created.get(offer.getId().getValue());
    if (at == null) {
      return "-";
    }
    return Quantities.number(Math.max(0, Math.round(clock.millis() / 1000.0 - at))) + "s";
  }
}
