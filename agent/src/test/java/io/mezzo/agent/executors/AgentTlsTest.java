package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.AgentHarness;
import io.mezzo.agent.spi.LaunchRequest;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.agent.testing.Tasks;
import io.mezzo.node.tls.CertificateAuthority;
import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.mezzo.node.tls.NodeTls;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.v1.Protos.ExecutorInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent with a certificate serves its HTTP API (executor API, files, operator API) over HTTPS
 * only, registers with its scheme, and tells executors to speak TLS to it.
 */
class AgentTlsTest {
  @TempDir
  Path dir;

  private final FakeRuntime runtime = new FakeRuntime();
  private CertificateAuthority ca;
  private AgentHarness harness;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.create("agent-test-ca");
    ca.issue("agent-1", List.of("127.0.0.1"), Purpose.SERVER_AND_CLIENT)
        .write(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"));
    // No CA: the fake master speaks plain HTTP, so the agent's link stays plain while its own API is TLS.
    harness = new AgentHarness(dir.resolve("work"), 3600, (vertx, timers) -> runtime,
        b -> b.tls(new NodeTls(dir.resolve("agent.pem"), dir.resolve("agent-key.pem"), null)));
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private HttpClient trustingTheCa() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  @Test
  void everyEndpointIsServedOverHttpsOnly() throws Exception {
    String base = "127.0.0.1:" + harness.agent.httpPort();
    for (String path : List.of("/health", "/state", "/files/browse?path=/", "/metrics/snapshot")) {
      HttpResponse<String> answer = trustingTheCa().send(HttpRequest.newBuilder(URI.create("https://" + base + path))
          .build(), HttpResponse.BodyHandlers.ofString());
      // Any answer of the endpoint proves it is served over TLS; what it says is its own tests' business.
      assertThat(answer.statusCode()).as(path).isBetween(200, 499);
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://" + base + path)).build(), HttpResponse.BodyHandlers.ofString()))
          .as(path).isInstanceOf(IOException.class);
    }
  }

  @Test
  void theAgentRegistersWithItsSchemeAndTellsExecutorsToSpeakTls() {
    AgentCall register = harness.master.registrations().get(0);
    assertThat(register.getRegister().getScheme()).isEqualTo("https");

    ExecutorInfo executor = Tasks.executor("exec", List.of("/bin/executor"));
    harness.master.send(Tasks.runTask(Tasks.executorTask("t1", executor, "")));
    await().atMost(AgentHarness.WAIT).until(() -> runtime.launches().size() == 1);
    LaunchRequest launch = runtime.launches().get(0);
    assertThat(launch.environment())
        .containsEntry("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + harness.agent.httpPort())
        .containsEntry("LIBPROCESS_SSL_ENABLED", "1");
  }
}
