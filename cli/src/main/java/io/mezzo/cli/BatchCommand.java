package io.mezzo.cli;

import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.examples.batch.BatchFramework;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code mezzo batch}: the example batch framework, pointed at a local cluster by name. */
@Command(name = "batch",
    description = "Runs the example batch framework (examples/): N shell tasks, exit 0 when all finished."
        + " Options after --cluster are the framework's: --tasks, --cmd, --cpus, --mem, --role, --timeout, --master.")
public final class BatchCommand implements Callable<Integer> {
  @Option(names = "--cluster", description = "A local cluster made by 'mezzo cluster create'")
  String cluster;

  @Unmatched
  List<String> frameworkArgs = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    MezzoCli.quietClientLogs();
    if (cluster != null) {
      String zk;
      try {
        zk = ClusterHome.fromEnvironment().load(ClusterHome.checkName(cluster)).map(ClusterFile::zk)
            .orElseThrow(() -> new IllegalArgumentException("No cluster named '" + cluster + "'"));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      args.add("--master");
      args.add(zk);
    }
    args.addAll(frameworkArgs);
    return new CommandLine(new BatchFramework()).execute(args.toArray(String[]::new));
  }
}
