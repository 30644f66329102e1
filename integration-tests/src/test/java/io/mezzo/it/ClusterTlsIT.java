package io.mezzo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.sdk.ClusterCa;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mezzo cluster create} without {@code --insecure}: a cluster CA and a certificate per node in
 * the cluster's directory (mode 0600), every node serving HTTPS only, agents registered over mutual
 * TLS, the {@code mezzo} commands trusting the CA through {@code --cluster}, and strangers refused.
 */
class ClusterTlsIT {
  private static final String CLUSTER = "tls";
  private static Path home;
  private static Mezzo mezzo;
  private static JsonObject status;

  @BeforeAll
  static void create() throws Exception {
    home = Files.createTempDirectory("mezzo-it-tls");
    mezzo = new Mezzo(home);
    Mezzo.Result created = mezzo.run(240, "cluster", "create", "--name", CLUSTER, "--agents", "1",
        "--agent-resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31009]");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.stdout()).contains("TLS:        every node serves HTTPS").contains(tls().resolve("ca.pem").toString());
    Mezzo.Result json = mezzo.run(60, "cluster", "status", "--name", CLUSTER, "-o", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    status = new JsonObject(json.stdout());
  }

  @AfterAll
  static void delete() throws Exception {
    if (mezzo != null) {
      Mezzo.Result deleted = mezzo.run(120, "cluster", "delete", "--name", CLUSTER);
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    }
  }

  private static Path tls() {
    return home.resolve("clusters").resolve(CLUSTER).resolve("tls");
  }

  private static String url(String role) {
    return status.getJsonArray("processes").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("role").equals(role)).findFirst().orElseThrow().getString("url");
  }

  private static HttpClient trusting() {
    return HttpClient.newBuilder().sslContext(ClusterCa.sslContext(tls().resolve("ca.pem"))).build();
  }

  @Test
  void theCaAndEveryNodesKeyAreTheOwnersOnly() throws IOException {
    try (Stream<Path> files = Files.list(tls())) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).contains("ca.pem", "ca-key.pem", "master-1.pem", "master-1-key.pem", "agent-1.pem",
          "agent-1-key.pem");
    }
    try (Stream<Path> files = Files.list(tls())) {
      for (Path file : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
            .isEqualTo("rw-------");
      }
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls()))).isEqualTo("rwx------");
  }

  @Test
  void everyNodeServesHttpsToClientsThatTrustTheCaOnly() throws Exception {
    assertThat(url("master")).startsWith("https://");
    assertThat(url("agent")).startsWith("https://");
    for (String role : List.of("master", "agent")) {
      HttpResponse<String> health = trusting().send(HttpRequest.newBuilder(URI.create(url(role) + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(role).isEqualTo(200);
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url(role) + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
          .as(role).isInstanceOf(SSLHandshakeException.class);
      String plain = url(role).replace("https://", "http://") + "/health";
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plain)).build(),
          HttpResponse.BodyHandlers.ofString())).as(role).isInstanceOf(IOException.class);
    }
  }

  @Test
  void anAgentWithoutTheClustersCertificateCannotRegister() throws Exception {
    String register = "{\"type\":\"REGISTER\",\"register\":{\"agent_info\":{\"hostname\":\"forged\","
        + "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":64}}]}}}";
    HttpResponse<InputStream> answer = trusting().send(HttpRequest.newBuilder(URI.create(url("master") + "/internal/agent"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(register)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = answer.body()) {
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("client certificate");
    }
    Mezzo.Result agents = mezzo.run(60, "agents", "--cluster", CLUSTER);
    assertThat(agents.exitCode()).as(agents.toString()).isZero();
    assertThat(agents.stdout()).doesNotContain("forged");
  }

  @Test
  void mezzoCommandsTrustTheClustersCa() throws Exception {
    Mezzo.Result run = mezzo.run(120, "run", "--cluster", CLUSTER, "--", "echo", "hello over tls");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("hello over tls");

    Mezzo.Result withoutCa = mezzo.run(60, "agents", "--master", status.getString("zk"));
    assertThat(withoutCa.exitCode()).isEqualTo(1);
    // The master also wants the operator's credential when it is not found through --cluster.
    Path secret = home.resolve("admin.secret");
    Files.writeString(secret, new JsonObject(Files.readString(home.resolve("clusters").resolve(CLUSTER)
        .resolve("credentials.json"))).getJsonArray("credentials").stream().map(o -> (JsonObject) o)
        .filter(c -> c.getString("principal").equals("admin")).findFirst().orElseThrow().getString("secret"));
    Mezzo.Result withCa = mezzo.run(60, "agents", "--master", status.getString("zk"), "--ca-cert",
        tls().resolve("ca.pem").toString(), "--principal", "admin", "--secret-file", secret.toString());
    assertThat(withCa.exitCode()).as(withCa.toString()).isZero();
  }
}
