package io.mezzo.cli.operator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo explain --framework ID}: why a framework got no offers, from the allocator. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Shows why a framework was not offered resources in recent allocation rounds.")
public final class ExplainCommand extends OperatorCommand {
  @Option(names = "--framework", required = true, description = "The framework id")
  String framework;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "table or json (the /api/v1/explain answer) (default ${DEFAULT-VALUE})")
  Output output;

  @Override
  void validate() {
    if (framework.isBlank()) {
      throw new IllegalArgumentException("--framework must not be empty");
    }
  }

  @Override
  int run(OperatorClient client) {
    JsonObject answer = client.explain(framework);
    if (output == Output.json) {
      out().println(answer.encodePrettily());
      return 0;
    }
    JsonArray reasons = answer.getJsonArray("why_not", new JsonArray());
    if (reasons.isEmpty()) {
      out().println("Framework " + framework + ": nothing held it back in recent allocation rounds");
      return 0;
    }
    out().printf("%-20s %-16s %s%n", "ROLE", "REASON", "DETAILS");
    for (int i = 0; i < reasons.size(); i++) {
      JsonObject why = reasons.getJsonObject(i);
      StringBuilder details = new StringBuilder();
      why.getJsonObject("details", new JsonObject()).forEach(e ->
          details.append(details.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue()));
      out().printf("%-20s %-16s %s%n", why.getString("role"), why.getString("reason"), details);
    }
    return 0;
  }
}
