package io.mezzo.cli.operator;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.master.Protos.Call;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mezzo reserve} and {@code mezzo unreserve}: dynamic reservations through RESERVE/UNRESERVE_RESOURCES. */
public abstract class ReserveCommand extends OperatorCommand {
  @Option(names = "--agent", required = true, description = "The agent id (see mezzo cluster status or /state)")
  String agent;

  @Option(names = "--role", required = true, description = "The role to reserve for (not '*')")
  String role;

  @Parameters(index = "0", paramLabel = "RESOURCES", description = "e.g. 'cpus:1;mem:512;ports:[31000-31009]'")
  String resources;

  final List<Resource> reserved = new ArrayList<>();

  @Override
  void validate() {
    if (agent.isBlank()) {
      throw new IllegalArgumentException("--agent must not be empty");
    }
    checkRole(role);
    reserved.clear();
    for (Resource r : ResourceSpec.parse(resources)) {
      if (r.hasScalar() && !(r.getScalar().getValue() > 0)) {
        throw new IllegalArgumentException("Quantity of " + r.getName() + " must be positive");
      }
      Resource.ReservationInfo.Builder reservation = Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role);
      // The caller's --principal (the authenticated one when the master authenticates) is the reserver.
      credentialOption.principal().ifPresent(reservation::setPrincipal);
      reserved.add(r.toBuilder().addReservations(reservation).build());
    }
  }

  AgentID agentId() {
    return AgentID.newBuilder().setValue(agent).build();
  }

  @Command(name = "reserve", mixinStandardHelpOptions = true,
      description = "Reserves part of an agent's unreserved resources for a role (kept across master failover).")
  public static final class Reserve extends ReserveCommand {
    @Override
    int run(OperatorClient client) {
      client.call(Call.newBuilder().setType(Call.Type.RESERVE_RESOURCES).setReserveResources(
          Call.ReserveResources.newBuilder().setAgentId(agentId()).addAllResources(reserved)).build());
      out().println("Reserved " + resources + " for role " + role + " on agent " + agent);
      return 0;
    }
  }

  @Command(name = "unreserve", mixinStandardHelpOptions = true,
      description = "Returns a role's dynamically reserved resources on an agent to the unreserved pool.")
  public static final class Unreserve extends ReserveCommand {
    @Override
    int run(OperatorClient client) {
      client.call(Call.newBuilder().setType(Call.Type.UNRESERVE_RESOURCES).setUnreserveResources(
          Call.UnreserveResources.newBuilder().setAgentId(agentId()).addAllResources(reserved)).build());
      out().println("Unreserved " + resources + " of role " + role + " on agent " + agent);
      return 0;
    }
  }
}
