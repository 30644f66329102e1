package io.mezzo.cli.views;

import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response.GetAgents;
import picocli.CommandLine.Command;

/** {@code mezzo agents}: the registered agents and their resources (GET_AGENTS). */
@Command(name = "agents", mixinStandardHelpOptions = true,
    description = "Lists the agents with their resources: total, allocated to tasks, offered, idle.")
public final class AgentsCommand extends ViewCommand {
  @Override
  int run(OperatorClient client) {
    GetAgents agents = client.get(Call.Type.GET_AGENTS).getGetAgents();
    if (json()) {
      say(JsonCodec.print(agents));
      return 0;
    }
    Table table = new Table("ID", "HOST", "ACTIVE", "TOTAL", "ALLOCATED", "OFFERED", "IDLE");
    for (GetAgents.Agent agent : agents.getAgentsList()) {
      Quantities total = Quantities.of(agent.getTotalResourcesList());
      Quantities allocated = Quantities.of(agent.getAllocatedResourcesList());
      Quantities offered = Quantities.of(agent.getOfferedResourcesList());
      table.row(agent.getAgentInfo().getId().getValue(),
          agent.getAgentInfo().getHostname() + ":" + agent.getAgentInfo().getPort(),
          agent.getActive() && !agent.getDeactivated() ? "yes" : "no",
          total, allocated, offered, total.minus(allocated).minus(offered));
    }
    out().print(table.render());
    return 0;
  }
}
