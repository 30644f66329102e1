package io.mezzo.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.node.tls.CertificateAuthority.Purpose;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates the CA issues, served and verified by Vert.x with the options {@link NodeTls} makes. */
class NodeTlsTest {
  @TempDir Path dir;
  private Vertx vertx;
  private CertificateAuthority ca;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    ca = CertificateAuthority.create("test-ca");
    ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private NodeTls node(String name, Purpose purpose, String... names) {
    ca.issue(name, List.of(names), purpose).write(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
    return new NodeTls(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
  }

  /** A server that answers with the CN of the client's verified certificate, or "anonymous". */
  private int serve(NodeTls tls, ClientAuth clientAuth) throws Exception {
    HttpServer server = vertx.createHttpServer(tls.server(new HttpServerOptions(), clientAuth))
        .requestHandler(req -> {
          String who;
          try {
            who = ((X509Certificate) req.connection().sslSession().getPeerCertificates()[0])
                .getSubjectX500Principal().getName();
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            who = "anonymous";
          }
          req.response().end(who);
        });
    return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private Future<String> get(NodeTls tls, String host, int port) {
    HttpClient client = vertx.createHttpClient(tls.client(new HttpClientOptions()));
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI("/"))
        .compose(req -> req.send()).compose(resp -> resp.body()).map(Object::toString)
        .eventually(() -> client.close());
  }

  @Test
  void anAgentCertificateIsVerifiedBothWays() throws Exception {
    int port = serve(node("master", Purpose.SERVER, "127.0.0.1", "localhost"), ClientAuth.REQUEST);
    NodeTls agent = node("agent-1", Purpose.SERVER_AND_CLIENT, "127.0.0.1", "localhost");

    assertThat(get(agent, "127.0.0.1", port).await(10, TimeUnit.SECONDS)).isEqualTo("CN=agent-1");
    assertThat(get(agent, "localhost", port).await(10, TimeUnit.SECONDS)).isEqualTo("CN=agent-1");
    // A client that only trusts the CA gets in, without an identity.
    NodeTls trustOnly = new NodeTls(null, null, dir.resolve("ca.pem"));
    assertThat(get(trustOnly, "127.0.0.1", port).await(10, TimeUnit.SECONDS)).isEqualTo("anonymous");
  }

  @Test
  void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
    int port = serve(node("master", Purpose.SERVER, "127.0.0.1"), ClientAuth.REQUEST);
    CertificateAuthority other = CertificateAuthority.create("other-ca");
    other.write(dir.resolve("other.pem"), dir.resolve("other-key.pem"));

    assertThatThrownBy(() -> get(new NodeTls(null, null, dir.resolve("other.pem")), "127.0.0.1", port)
        .await(10, TimeUnit.SECONDS)).hasStackTraceContaining("PKIX");
  }

  @Test
  void aHostNameOutsideTheCertificateIsRefused() throws Exception {
    int port = serve(node("master", Purpose.SERVER, "localhost"), ClientAuth.NONE);
    NodeTls client = new NodeTls(null, null, dir.resolve("ca.pem"));

    assertThat(get(client, "localhost", port).await(10, TimeUnit.SECONDS)).isEqualTo("anonymous");
    assertThatThrownBy(() -> get(client, "127.0.0.1", port).await(10, TimeUnit.SECONDS))
        .hasStackTraceContaining("127.0.0.1");
  }

  @Test
  void aMasterCertificateCannotActAsAClient() throws Exception {
    int port = serve(node("master", Purpose.SERVER, "127.0.0.1"), ClientAuth.REQUEST);
    NodeTls impostor = node("master-2", Purpose.SERVER, "127.0.0.1");

    // Its certificate lacks the client purpose: the server refuses the handshake.
    assertThatThrownBy(() -> get(impostor, "127.0.0.1", port).await(10, TimeUnit.SECONDS))
        .isInstanceOf(Exception.class);
  }

  @Test
  void filesAreWrittenForTheOwnerOnlyAndReadBack() throws Exception {
    node("agent-1", Purpose.SERVER_AND_CLIENT, "10.0.0.7", "host-a");
    for (String name : List.of("ca.pem", "ca-key.pem", "agent-1.pem", "agent-1-key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
          .as(name).isEqualTo("rw-------");
    }
    assertThat(Files.readString(dir.resolve("agent-1-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    CertificateAuthority again = CertificateAuthority.read(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    assertThat(again.certificate()).isEqualTo(ca.certificate());
    X509Certificate issued = again.issue("n", List.of("10.0.0.7", "host-a"), Purpose.SERVER).certificate();
    issued.verify(ca.certificate().getPublicKey());
    assertThat(issued.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("10.0.0.7", "host-a");
  }

  @Test
  void aCertificateWithoutItsKeyIsAnError() {
    assertThatThrownBy(() -> NodeTls.of(dir.resolve("ca.pem").toString(), null, null))
        .hasMessageContaining("--tls-cert and --tls-key go together");
    assertThatThrownBy(() -> NodeTls.of(null, null, dir.resolve("missing.pem").toString()))
        .hasMessageContaining("--ca-cert").hasMessageContaining("not a readable file");
  }
}
