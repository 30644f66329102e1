package io.mezzo.cli.operator;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.quota.Protos.QuotaConfig;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo quota set|get|remove}: per-role quota through UPDATE_QUOTA and GET_QUOTA. */
@Command(name = "quota", mixinStandardHelpOptions = true,
    description = "Sets, shows and removes per-role quota (guarantees and limits of scalar resources).",
    subcommands = {QuotaCommand.Set.class, QuotaCommand.Get.class, QuotaCommand.Remove.class})
public final class QuotaCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Sets a role's quota (replacing its previous guarantees and limits).")
  static final class Set extends OperatorCommand {
    @Option(names = "--role", required = true, description = "The role, e.g. eng (not '*', not nested)")
    String role;

    @Option(names = "--guarantee", description = "Guaranteed scalars, e.g. 'cpus:2;mem:1024'")
    String guarantee;

    @Option(names = "--limit", description = "Limits, e.g. 'cpus:4;mem:4096'")
    String limit;

    @Option(names = "--force", description = "Set guarantees even if they exceed the cluster's resources")
    boolean force;

    QuotaConfig config;

    @Override
    void validate() {
      checkRole(role);
      if (role.contains("/")) {
        throw new IllegalArgumentException("Quota on nested roles is not supported: '" + role + "'");
      }
      if (guarantee == null && limit == null) {
        throw new IllegalArgumentException("Give --guarantee and/or --limit (mezzo quota remove takes a quota away)");
      }
      Map<String, Double> g = guarantee == null ? Map.of() : ResourceSpec.scalars(guarantee);
      Map<String, Double> l = limit == null ? Map.of() : ResourceSpec.scalars(limit);
      g.forEach((name, v) -> {
        if (l.containsKey(name) && v > l.get(name)) {
          throw new IllegalArgumentException("Guarantee " + name + ":" + ResourceSpec.number(v)
              + " is greater than limit " + name + ":" + ResourceSpec.number(l.get(name)));
        }
      });
      QuotaConfig.Builder builder = QuotaConfig.newBuilder().setRole(role);
      g.forEach((name, v) -> builder.putGuarantees(name, Value.Scalar.newBuilder().setValue(v).build()));
      l.forEach((name, v) -> builder.putLimits(name, Value.Scalar.newBuilder().setValue(v).build()));
      config = builder.build();
    }

    @Override
    int run(OperatorClient client) {
      client.call(Call.newBuilder().setType(Call.Type.UPDATE_QUOTA)
          .setUpdateQuota(Call.UpdateQuota.newBuilder().setForce(force).addQuotaConfigs(config)).build());
      out().println("Quota of role " + role + ": guarantees " + ResourceSpec.format(config.getGuaranteesMap())
          + ", limits " + ResourceSpec.format(config.getLimitsMap()));
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a role's quota.")
  static final class Remove extends OperatorCommand {
    @Option(names = "--role", required = true, description = "The role")
    String role;

    @Override
    void validate() {
      checkRole(role);
    }

    @Override
    int run(OperatorClient client) {
      client.call(Call.newBuilder().setType(Call.Type.UPDATE_QUOTA).setUpdateQuota(Call.UpdateQuota.newBuilder()
          .addQuotaConfigs(QuotaConfig.newBuilder().setRole(role))).build());
      out().println("Quota of role " + role + " removed");
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows every role's quota.")
  static final class Get extends OperatorCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "table",
        description = "table or json (GET_QUOTA's get_quota, Mesos JSON) (default ${DEFAULT-VALUE})")
    Output output;

    @Override
    void validate() {}

    @Override
    int run(OperatorClient client) {
      Response response = client.call(Call.newBuilder().setType(Call.Type.GET_QUOTA).build());
      if (output == Output.json) {
        out().println(JsonCodec.print(response.getGetQuota()));
        return 0;
      }
      String format = "%-20s %-30s %s%n";
      out().printf(format, "ROLE", "GUARANTEES", "LIMITS");
      for (QuotaConfig config : response.getGetQuota().getStatus().getConfigsList()) {
        out().printf(format, config.getRole(), ResourceSpec.format(config.getGuaranteesMap()),
            ResourceSpec.format(config.getLimitsMap()));
      }
      return 0;
    }
  }
}
