package io.mezzo.cli.views;

import io.mezzo.cli.operator.EventStream;
import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo offers}: the outstanding offers (GET_FRAMEWORKS), and with --watch their events as they come. */
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
    if (!watch) {
      print(client.get(Call.Type.GET_FRAMEWORKS).getGetFrameworks());
      return 0;
    }
    try (EventStream stream = client.subscribe()) {
      for (Event event = stream.next(); event != null; event = stream.next()) {
        if (event.getType() == Event.Type.SUBSCRIBED) {
          print(event.getSubscribed().getGetState().getGetFrameworks());
        } else if (event.hasOfferEvent()) {
          follow(event);
        }
      }
    }
    err().println("The master ended the event stream");
    return 1;
  }

  private void follow(Event event) {
    Event.OfferEvent offer = event.getOfferEvent();
    if (EventKind.of(event) == EventKind.OFFER_CREATED && offer.hasTimestamp()) {
      created.put(offer.getOfferId().getValue(), offer.getTimestamp());
    } else if (EventKind.of(event) != EventKind.OFFER_CREATED) {
      created.remove(offer.getOfferId().getValue());
    }
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

  /** Now minus the offer's OFFER_CREATED time, when that event was seen; {@code -} otherwise. */
  private String age(Offer offer) {
    Double at = created.get(offer.getId().getValue());
    if (at == null) {
      return "-";
    }
    return Quantities.number(Math.max(0, Math.round(clock.millis() / 1000.0 - at))) + "s";
  }
}
