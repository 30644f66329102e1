package io.mezzo.cli.views;

import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Response.GetState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Collectors;

/** One line of text per operator event: its type, then what it is about as {@code key=value}. */
final class EventLines {
  private EventLines() {}

  static String line(Event event) {
    String details = details(event);
    return details.isEmpty() ? EventKind.of(event).name() : EventKind.of(event).name() + " " + details;
  }

  private static String details(Event event) {
    return switch (EventKind.of(event)) {
      case SUBSCRIBED -> {
        GetState state = event.getSubscribed().getGetState();
        yield "agents=" + state.getGetAgents().getAgentsCount()
            + " frameworks=" + state.getGetFrameworks().getFrameworksCount()
            + " tasks=" + state.getGetTasks().getTasksCount();
      }
      case TASK_ADDED -> "task=" + event.getTaskAdded().getTask().getTaskId().getValue()
          + " framework=" + event.getTaskAdded().getTask().getFrameworkId().getValue()
          + " agent=" + event.getTaskAdded().getTask().getAgentId().getValue()
          + " state=" + event.getTaskAdded().getTask().getState();
      case TASK_UPDATED -> {
        Event.TaskUpdated u = event.getTaskUpdated();
        yield "task=" + u.getStatus().getTaskId().getValue() + " framework=" + u.getFrameworkId().getValue()
            + " state=" + u.getState()
            + (u.getStatus().getMessage().isEmpty() ? "" : " message=" + quote(u.getStatus().getMessage()));
      }
      case AGENT_ADDED -> "agent=" + event.getAgentAdded().getAgent().getAgentInfo().getId().getValue()
          + " host=" + event.getAgentAdded().getAgent().getAgentInfo().getHostname()
          + " resources=" + Quantities.of(event.getAgentAdded().getAgent().getTotalResourcesList());
      case AGENT_REMOVED -> "agent=" + event.getAgentRemoved().getAgentId().getValue();
      case FRAMEWORK_ADDED -> framework(event.getFrameworkAdded().getFramework().getFrameworkInfo());
      case FRAMEWORK_UPDATED -> framework(event.getFrameworkUpdated().getFramework().getFrameworkInfo());
      case FRAMEWORK_REMOVED -> framework(event.getFrameworkRemoved().getFrameworkInfo());
      case OFFER_CREATED, OFFER_ACCEPTED, OFFER_DECLINED, OFFER_RESCINDED, OFFER_EXPIRED -> offer(event);
      default -> "";
    };
  }

  private static String framework(FrameworkInfo info) {
    return "framework=" + info.getId().getValue() + " name=" + quote(info.getName());
  }

  private static String offer(Event event) {
    Event.OfferEvent o = event.getOfferEvent();
    StringBuilder s = new StringBuilder("offer=").append(o.getOfferId().getValue())
        .append(" framework=").append(o.getFrameworkId().getValue())
        .append(" agent=").append(o.getAgentId().getValue())
        .append(" role=").append(o.getRole());
    switch (EventKind.of(event)) {
      case OFFER_CREATED -> s.append(" resources=").append(Quantities.of(o.getResourcesList()));
      case OFFER_ACCEPTED -> s.append(" tasks=")
          .append(o.getTaskIdsList().stream().map(TaskID::getValue).collect(Collectors.joining(",")));
      case OFFER_DECLINED -> s.append(" refuse=").append(Quantities.number(o.getRefuseSeconds())).append('s');
      case OFFER_RESCINDED -> s.append(" reason=").append(o.getReason())
          .append(o.getMessage().isEmpty() ? "" : " message=" + quote(o.getMessage()));
      default -> { }
    }
    if (o.hasHeldSeconds()) {
      s.append(" held=").append(Quantities.number(o.getHeldSeconds())).append('s');
    }
    if (o.hasTimestamp()) {
      // The master's time of the event: events replayed after SUBSCRIBED tell how old they are.
      s.append(" at=").append(Instant.ofEpochMilli(Math.round(o.getTimestamp() * 1000)).truncatedTo(ChronoUnit.SECONDS));
    }
    return s.toString();
  }

  /** As is when it is one plain word, else in double quotes with quotes and line ends escaped. */
  static String quote(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c > ' ' && c != '"' && c != '\\' && c < 0x7f)) {
      return text;
    }
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
  }
}
