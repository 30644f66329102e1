package io.mezzo.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.cli.cluster.ClusterSecrets;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.mezzo.master.auth.LocalAuthorizer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client commands given {@code --cluster} of a cluster with the credentials and ACLs that
 * {@code cluster create} generates: they authenticate as its operator without any flag, and as
 * its framework principal with {@code --principal framework}.
 */
class GeneratedCredentialsCommandsTest {
  private static final String CLUSTER = "generated";
  private TestingServer zk;
  private Vertx vertx;
  private Master master;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    vertx = Vertx.vertx();
    String zkUrl = "zk://" + zk.getConnectString() + "/mezzo";
    Path clusterDir = ClusterHome.fromEnvironment().dir(CLUSTER);
    ClusterSecrets secrets = ClusterSecrets.create(clusterDir, System.getProperty("user.name"));
    HttpAuthentication authentication = HttpAuthentication.of(
        new BasicAuthenticator(Credentials.read(secrets.credentials().toString())), EnumSet.allOf(Realm.class));
    master = new Master(MasterConfig.builder().zk(zkUrl).port(0)
        .authentication(authentication, secrets.credentials().toString())
        .authorizer(LocalAuthorizer.parse(secrets.acls().toString()), secrets.acls().toString()).build(), vertx,
        Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
    ClusterHome.fromEnvironment().save(new ClusterFile(CLUSTER, zkUrl, false, "2026-01-01T00:00:00Z", List.of()));
  }

  @AfterEach
  void stop() throws Exception {
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
    ClusterHome.fromEnvironment().remove(CLUSTER);
  }

  @Test
  void theClustersOperatorIsUsedWithoutAnyFlag() {
    Cli set = Cli.run("weights", "set", "--cluster", CLUSTER, "eng=2");
    assertThat(set.exitCode()).as(set.err()).isZero();
    Cli get = Cli.run("weights", "get", "--cluster", CLUSTER);
    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out()).containsPattern("eng +2");
    Cli agents = Cli.run("agents", "--cluster", CLUSTER);
    assertThat(agents.exitCode()).as(agents.err()).isZero();
  }

  @Test
  void theFrameworkPrincipalIsNamedAndRefusedOperatorWrites() {
    Cli set = Cli.run("weights", "set", "--cluster", CLUSTER, "--principal", "framework", "eng=3");
    assertThat(set.exitCode()).isEqualTo(1);
    assertThat(set.err()).contains("403").contains("as principal 'framework'");
    // Reads it may do: the agents' list.
    Cli agents = Cli.run("agents", "--cluster", CLUSTER, "--principal", "framework");
    assertThat(agents.exitCode()).as(agents.err()).isZero();
  }

  @Test
  void withoutTheClusterTheMasterRefusesTheCommand() throws Exception {
    Cli anonymous = Cli.run("weights", "get", "--master", master.url());
    assertThat(anonymous.exitCode()).isEqualTo(1);
    assertThat(anonymous.err()).contains("401");
  }
}
