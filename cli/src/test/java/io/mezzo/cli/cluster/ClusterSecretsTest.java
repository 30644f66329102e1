package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.auth.Credentials;
import io.mezzo.master.auth.LocalAuthorizer;
import io.mezzo.master.spi.Authorizer.Action;
import io.mezzo.sdk.LocalClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credentials and ACLs {@code cluster create} generates, read back as the master reads them. */
class ClusterSecretsTest {
  private static final Optional<String> ADMIN = Optional.of(LocalClusters.OPERATOR);
  private static final Optional<String> FRAMEWORK = Optional.of(LocalClusters.FRAMEWORK);
  private static final Optional<String> ANONYMOUS = Optional.empty();

  @TempDir
  Path dir;

  @Test
  void theFilesAreTheOwnersOnlyAndTheMasterReadsThem() throws Exception {
    ClusterSecrets secrets = ClusterSecrets.create(dir, "alice");

    for (Path file : new Path[] {secrets.credentials(), secrets.acls()}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
          .isEqualTo("rw-------");
    }
    Credentials credentials = Credentials.read(secrets.credentials().toString());
    assertThat(credentials.size()).isEqualTo(2);
    String admin = credentials.secret(LocalClusters.OPERATOR).orElseThrow();
    String framework = credentials.secret(LocalClusters.FRAMEWORK).orElseThrow();
    assertThat(admin).hasSizeGreaterThanOrEqualTo(32).doesNotContain(":").isNotEqualTo(framework);
    assertThat(LocalClusters.credential(dir, LocalClusters.FRAMEWORK).orElseThrow().authorization())
        .isEqualTo(io.mezzo.sdk.Credential.of(LocalClusters.FRAMEWORK, framework).authorization());
    assertThat(secrets.masterFlags()).containsSubsequence("--credentials", secrets.credentials().toString())
        .containsSubsequence("--acls", secrets.acls().toString())
        .contains("--authenticate-http-frameworks", "--authenticate-http-readonly", "--authenticate-http-readwrite");
    assertThat(secrets.agentFlags()).containsSubsequence("--credentials", secrets.credentials().toString())
        .contains("--authenticate-http-readonly", "--authenticate-http-executors");
  }

  @Test
  void theMastersZooKeeperDigestIsKeptOwnerOnlyAndParses() throws Exception {
    ClusterSecrets secrets = ClusterSecrets.create(dir, "alice");
    assertThat(ClusterSecrets.masterZooKeeper(dir)).isEmpty();

    String url = secrets.masterZooKeeper("zk://127.0.0.1:2181/mezzo");

    assertThat(url).matches("zk://mezzo:[A-Za-z0-9_-]{32}@127\\.0\\.0\\.1:2181/mezzo");
    assertThat(io.mezzo.discovery.ZkUrl.parse(url).credentials()).isPresent();
    assertThat(ClusterSecrets.masterZooKeeper(dir)).contains(url);
    Path file = dir.resolve(ClusterSecrets.MASTER_ZK_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void eachClusterGetsSecretsOfItsOwn() {
    ClusterSecrets.create(dir.resolve("a"), "alice");
    ClusterSecrets.create(dir.resolve("b"), "alice");
    assertThat(LocalClusters.credential(dir.resolve("a"), LocalClusters.OPERATOR).orElseThrow().authorization())
        .isNotEqualTo(LocalClusters.credential(dir.resolve("b"), LocalClusters.OPERATOR).orElseThrow().authorization());
  }

  @Test
  void theOperatorMayDoEverything() {
    LocalAuthorizer acls = LocalAuthorizer.parse(ClusterSecrets.create(dir, "alice").acls().toString());
    for (Action action : Action.values()) {
      assertThat(acls.approved(action, ADMIN, Optional.of("anything"))).as(action.name()).isTrue();
    }
    assertThat(acls.approved(Action.VIEW_AGENT, ADMIN, Optional.empty())).isTrue();
    assertThat(acls.approved(Action.VIEW_FLAGS, ADMIN, Optional.empty())).isTrue();
  }

  @Test
  void theFrameworkPrincipalRunsAndTearsDownItsOwnFrameworksAndSeesOnlyItsUsersTasks() {
    LocalAuthorizer acls = LocalAuthorizer.parse(ClusterSecrets.create(dir, "alice").acls().toString());

    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, FRAMEWORK, Optional.of("eng"))).isTrue();
    assertThat(acls.approved(Action.RUN_TASK, FRAMEWORK, Optional.of("alice"))).isTrue();
    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, FRAMEWORK, FRAMEWORK)).isTrue();
    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, FRAMEWORK, ADMIN)).isFalse();
    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, FRAMEWORK, Optional.empty())).isFalse();
    for (Action write : new Action[] {Action.RESERVE_RESOURCES, Action.UNRESERVE_RESOURCES, Action.UPDATE_QUOTA,
        Action.UPDATE_WEIGHT}) {
      assertThat(acls.approved(write, FRAMEWORK, Optional.of("eng"))).as(write.name()).isFalse();
    }
    for (Action view : new Action[] {Action.VIEW_FRAMEWORK, Action.VIEW_TASK, Action.VIEW_EXECUTOR}) {
      assertThat(acls.approved(view, FRAMEWORK, Optional.of("alice"))).as(view.name()).isTrue();
      assertThat(acls.approved(view, FRAMEWORK, Optional.of("bob"))).as(view.name()).isFalse();
    }
    assertThat(acls.approved(Action.VIEW_AGENT, FRAMEWORK, Optional.empty())).isTrue();
    assertThat(acls.approved(Action.VIEW_FLAGS, FRAMEWORK, Optional.empty())).isFalse();
  }

  @Test
  void anUnauthenticatedCallerMayDoNothing() {
    LocalAuthorizer acls = LocalAuthorizer.parse(ClusterSecrets.create(dir, "alice").acls().toString());
    for (Action action : Action.values()) {
      assertThat(acls.approved(action, ANONYMOUS, Optional.of("alice"))).as(action.name()).isFalse();
      assertThat(acls.approved(action, Optional.of("stranger"), Optional.of("alice"))).as(action.name()).isFalse();
    }
  }
}
