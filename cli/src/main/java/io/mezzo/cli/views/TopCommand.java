package io.mezzo.cli.views;

import io.mezzo.cli.operator.EventStream;
import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.master.DurationFlag;
import io.mezzo.v1.master.Protos.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mezzo top}: Total / Allocated / Offered / Idle per role and per agent, from the
 * operator stream's snapshot and then its events, redrawn as they change.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = "Shows cpus, mem and disk Total / Allocated / Offered / Idle for the cluster, each role and each agent,"
        + " redrawn from the master's event stream as they change.")
public final class TopCommand extends ViewCommand {
  /** Clears a terminal and puts the cursor home, so each frame replaces the last. */
  private static final String CLEAR = "\033[H\033[2J";

  @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "Stop after N frames (default: until interrupted)")
  int iterations;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationFlag.class,
      description = "At most one frame per interval; changes in between are shown in the next (default ${DEFAULT-VALUE})")
  Duration interval;

  private int frames;
  private long lastFrameNanos;

  @Override
  void validate() {
    if (iterations < 0) {
      throw new IllegalArgumentException("--iterations must not be negative, got " + iterations);
    }
  }

  @Override
  int run(OperatorClient client) {
    ClusterUsage usage = new ClusterUsage();
    boolean dirty = false;
    try (EventStream stream = client.subscribe()) {
      for (Event event = stream.next(); event != null; event = stream.next()) {
        dirty |= usage.apply(event);
        boolean due = frames == 0 || System.nanoTime() - lastFrameNanos >= interval.toNanos();
        if (dirty && due) {
          draw(usage);
          dirty = false;
          if (iterations > 0 && frames >= iterations) {
            return 0;
          }
        }
      }
    }
    err().println("The master ended the event stream");
    return 1;
  }

  private void draw(ClusterUsage usage) {
    frames++;
    lastFrameNanos = System.nanoTime();
    if (json()) {
      say(new JsonObject().put("cluster", json(usage.cluster())).put("roles", json(usage.roles()))
          .put("agents", json(usage.agents())).encode());
      return;
    }
    StringBuilder frame = new StringBuilder();
    if (System.console() != null) {
      frame.append(CLEAR);
    } else if (frames > 1) {
      frame.append('\n');
    }
    Table roles = new Table("ROLE", "TOTAL", "ALLOCATED", "OFFERED", "IDLE");
    add(roles, usage.cluster());
    usage.roles().forEach(row -> add(roles, row));
    Table agents = new Table("AGENT", "TOTAL", "ALLOCATED", "OFFERED", "IDLE");
    usage.agents().forEach(row -> add(agents, row));
    frame.append(roles.render()).append('\n').append(agents.render());
    out().print(frame);
    out().flush();
  }

  private static void add(Table table, ClusterUsage.Row row) {
    table.row(row.name(), row.total() == null ? "-" : row.total(), row.allocated(), row.offered(),
        row.idle() == null ? "-" : row.idle());
  }

  private static JsonArray json(List<ClusterUsage.Row> rows) {
    JsonArray array = new JsonArray();
    rows.forEach(row -> array.add(json(row)));
    return array;
  }

  private static JsonObject json(ClusterUsage.Row row) {
    JsonObject o = new JsonObject().put("name", row.name());
    if (row.total() != null) {
      o.put("total", json(row.total()));
    }
    o.put("allocated", json(row.allocated())).put("offered", json(row.offered()));
    if (row.idle() != null) {
      o.put("idle", json(row.idle()));
    }
    return o;
  }

  private static JsonObject json(Quantities q) {
    return new JsonObject().put("cpus", q.cpus()).put("mem", q.mem()).put("disk", q.disk());
  }
}
