package io.mezzo.cli.operator;

import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mezzo weights set|get}: role weights through UPDATE_WEIGHTS and GET_WEIGHTS. */
@Command(name = "weights", mixinStandardHelpOptions = true,
    description = "Sets and shows role weights (default 1.0; weight 2 gets twice the fair share of weight 1).",
    subcommands = {WeightsCommand.Set.class, WeightsCommand.Get.class})
public final class WeightsCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Sets the weights of the named roles.")
  static final class Set extends OperatorCommand {
    @Parameters(arity = "1..*", paramLabel = "ROLE=WEIGHT", description = "e.g. eng=2 batch=1")
    List<String> assignments;

    final Map<String, Double> weights = new LinkedHashMap<>();

    @Override
    void validate() {
      weights.clear();
      for (String assignment : assignments) {
        int eq = assignment.lastIndexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("Expected ROLE=WEIGHT, got '" + assignment + "'");
        }
        String role = checkRole(assignment.substring(0, eq));
        double weight;
        try {
          weight = Double.parseDouble(assignment.substring(eq + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Invalid weight in '" + assignment + "'");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException("Weight of " + role + " must be a positive number, got " + weight);
        }
        if (weights.put(role, weight) != null) {
          throw new IllegalArgumentException("Role " + role + " is given twice");
        }
      }
    }

    @Override
    int run(OperatorClient client) {
      Call.UpdateWeights.Builder update = Call.UpdateWeights.newBuilder();
      weights.forEach((role, w) -> update.addWeightInfos(WeightInfo.newBuilder().setRole(role).setWeight(w)));
      client.call(Call.newBuilder().setType(Call.Type.UPDATE_WEIGHTS).setUpdateWeights(update).build());
      weights.forEach((role, w) -> out().println("Weight of role " + role + ": " + ResourceSpec.number(w)));
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows the roles with a weight set.")
  static final class Get extends OperatorCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "table",
        description = "table or json (GET_WEIGHTS's get_weights, Mesos JSON) (default ${DEFAULT-VALUE})")
    Output output;

    @Override
    void validate() {}

    @Override
    int run(OperatorClient client) {
      Response response = client.call(Call.newBuilder().setType(Call.Type.GET_WEIGHTS).build());
      if (output == Output.json) {
        out().println(JsonCodec.print(response.getGetWeights()));
        return 0;
      }
      out().printf("%-20s %s%n", "ROLE", "WEIGHT");
      for (WeightInfo info : response.getGetWeights().getWeightInfosList()) {
        out().printf("%-20s %s%n", info.getRole(), ResourceSpec.number(info.getWeight()));
      }
      return 0;
    }
  }
}
