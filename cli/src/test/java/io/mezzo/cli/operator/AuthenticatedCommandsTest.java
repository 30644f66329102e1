package io.mezzo.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.master.Master;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.auth.BasicAuthenticator;
import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.HttpAuthentication;
import io.mezzo.master.auth.HttpAuthentication.Realm;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client commands against a master that authenticates its operator API: --principal and --secret-file. */
class AuthenticatedCommandsTest {
  private TestingServer zk;
  private Vertx vertx;
  private Master master;
  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    vertx = Vertx.vertx();
    String zkUrl = "zk://" + zk.getConnectString() + "/mezzo";
    HttpAuthentication authentication = HttpAuthentication.of(
        new BasicAuthenticator(Credentials.of(Map.of("ops", "ops-secret"))), EnumSet.of(Realm.READONLY, Realm.READWRITE));
    master = new Master(MasterConfig.builder().zk(zkUrl).port(0).authentication(authentication, null).build(), vertx,
        Clock.systemUTC());
    master.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(master::isLeader);
    ClusterHome.fromEnvironment().save(new ClusterFile("secured", zkUrl, false, "2026-01-01T00:00:00Z", List.of()));
  }

  @AfterEach
  void stop() throws Exception {
    master.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    zk.close();
  }

  @Test
  void withoutCredentialsTheMastersRefusalIsShownAndWithThemTheCommandsWork() throws Exception {
    Cli anonymous = Cli.run("weights", "get", "--cluster", "secured");
    assertThat(anonymous.exitCode()).isEqualTo(1);
    assertThat(anonymous.err()).contains("401").contains("Authentication required");

    Path secret = dir.resolve("secret");
    Files.writeString(secret, "ops-secret\n");
    Cli set = Cli.run("weights", "set", "--cluster", "secured", "--principal", "ops", "--secret-file", secret.toString(),
        "eng=2");
    assertThat(set.exitCode()).as(set.err()).isZero();
    Cli get = Cli.run("weights", "get", "--cluster", "secured", "--principal", "ops", "--secret-file", secret.toString());
    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out()).containsPattern("eng +2");
    Cli view = Cli.run("agents", "--cluster", "secured", "--principal", "ops", "--secret-file", secret.toString());
    assertThat(view.exitCode()).as(view.err()).isZero();

    Files.writeString(secret, "wrong");
    Cli wrong = Cli.run("weights", "get", "--cluster", "secured", "--principal", "ops", "--secret-file",
        secret.toString());
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("401");
  }

  @Test
  void aPrincipalWithoutASecretProvesNothingAndASecretWithoutAPrincipalIsABadFlag() {
    Cli noSecret = Cli.run("weights", "get", "--cluster", "secured", "--principal", "ops");
    assertThat(noSecret.exitCode()).isEqualTo(1);
    assertThat(noSecret.err()).contains("401");

    Cli noPrincipal = Cli.run("agents", "--cluster", "secured", "--secret-file", "/tmp/x");
    assertThat(noPrincipal.exitCode()).isEqualTo(2);
    assertThat(noPrincipal.err()).contains("--secret-file needs --principal");
  }
}
