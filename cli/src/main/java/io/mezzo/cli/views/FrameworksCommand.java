package io.mezzo.cli.views;

import io.mezzo.cli.operator.OperatorClient;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response.GetFrameworks;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code mezzo frameworks}: the subscribed frameworks (GET_FRAMEWORKS). */
@Command(name = "frameworks", mixinStandardHelpOptions = true,
    description = "Lists the frameworks with their roles, state, and the resources allocated and offered to them.")
public final class FrameworksCommand extends ViewCommand {
  @Override
  int run(OperatorClient client) {
    GetFrameworks frameworks = client.get(Call.Type.GET_FRAMEWORKS).getGetFrameworks();
    if (json()) {
      say(JsonCodec.print(frameworks));
      return 0;
    }
    Table table = new Table("ID", "NAME", "ROLES", "ACTIVE", "CONNECTED", "OFFERS", "ALLOCATED", "OFFERED");
    for (GetFrameworks.Framework framework : frameworks.getFrameworksList()) {
      FrameworkInfo info = framework.getFrameworkInfo();
      table.row(info.getId().getValue(), info.getName(), String.join(",", roles(info)),
          framework.getActive() ? "yes" : "no", framework.getConnected() ? "yes" : "no", framework.getOffersCount(),
          Quantities.of(framework.getAllocatedResourcesList()), Quantities.of(framework.getOfferedResourcesList()));
    }
    out().print(table.render());
    return 0;
  }

  /** The framework's roles: {@code roles} (MULTI_ROLE), else the deprecated single {@code role}. */
  @SuppressWarnings("deprecation")
  static List<String> roles(FrameworkInfo info) {
    return info.getRolesCount() > 0 ? info.getRolesList() : List.of(info.getRole());
  }
}
