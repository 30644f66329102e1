package io.mezzo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mezzo zookeeper}: a standalone ZooKeeper server (the zookeeper artifact's embedded server) for local clusters. */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
    description = "Runs a single ZooKeeper server for a local cluster until SIGTERM.")
public final class ZooKeeperCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperCommand.class);

  @Option(names = "--port", defaultValue = "${env:MEZZO_ZK_PORT:-2181}", description = "Client port (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--ip", defaultValue = "${env:MEZZO_IP:-127.0.0.1}", description = "Address to listen on (default ${DEFAULT-VALUE})")
  String ip;

  @Option(names = "--data-dir", required = true, defaultValue = "${env:MEZZO_ZK_DATA_DIR}", description = "Where ZooKeeper keeps its data")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dataDir);
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", ip);
    // ZooKeeper ends an expired session only at the next tick after its timeout: with 2 s ticks a dead
    // leader's session outlived --zk-session-timeout by up to 2 s, and the failover waited for it.
    // The session bounds stay what 2 s ticks gave (4 s to 40 s).
    config.setProperty("tickTime", "500");
    config.setProperty("minSessionTimeout", "4000");
    config.setProperty("maxSessionTimeout", "40000");
    config.setProperty("initLimit", "40");
    config.setProperty("syncLimit", "20");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("4lw.commands.whitelist", "ruok,srvr,stat");
    ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
        .baseDir(dataDir)
        .configuration(config)
        .exitHandler(ExitHandler.EXIT)
        .build();
    server.start();
    log.info("ZooKeeper serving on {}:{} with data in {}", ip, port, dataDir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "zookeeper-shutdown"));
    stopped.await();
    return 0;
  }
}
