package io.mezzo.node.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's TLS files, PEM encoded: its certificate and key ({@code --tls-cert}, {@code --tls-key}),
 * which its HTTP server serves and its client presents, and the cluster CA ({@code --ca-cert}) that
 * it verifies its peers against. Each part may be absent: no certificate means the server speaks
 * plain HTTP; no CA means the node verifies no peer and its client speaks plain HTTP.
 *
 * @param cert the node's certificate chain, or null
 * @param key the node's private key (PKCS#8; an RSA key may also be PKCS#1), or null; given exactly when {@code cert} is
 * @param ca the certificates of the CA to trust, or null
 */
public record NodeTls(Path cert, Path key, Path ca) {
  /** Plain HTTP, as Mesos without SSL. */
  public static final NodeTls OFF = new NodeTls(null, null, null);

  /** @throws IllegalArgumentException when only one of cert and key is given, or a file cannot be read */
  public NodeTls {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together; got only "
          + (cert == null ? "--tls-key" : "--tls-cert"));
    }
    readable("--tls-cert", cert);
    readable("--tls-key", key);
    readable("--ca-cert", ca);
  }

  /** From flag values, where null or blank means not given. */
  public static NodeTls of(String cert, String key, String ca) {
    return new NodeTls(path(cert), path(key), path(ca));
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value.strip());
  }

  private static void readable(String flag, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new IllegalArgumentException(flag + " " + file + " is not a readable file");
    }
  }

  /** True when the node's server speaks HTTPS. */
  public boolean serves() {
    return cert != null;
  }

  /** True when the node verifies its peers against a CA (and so its client speaks HTTPS). */
  public boolean verifies() {
    return ca != null;
  }

  /** {@code https} when the server serves TLS, else {@code http}. */
  public String serverScheme() {
    return serves() ? "https" : "http";
  }

  /**
   * {@code options} serving TLS with the node's certificate when it has one; with {@code clientAuth}
   * and the CA as trust when it has a CA too. Unchanged otherwise.
   */
  public HttpServerOptions server(HttpServerOptions options, ClientAuth clientAuth) {
    if (!serves()) {
      return options;
    }
    options.setSsl(true).setKeyCertOptions(keyCert());
    if (verifies() && clientAuth != ClientAuth.NONE) {
      options.setTrustOptions(trust()).setClientAuth(clientAuth);
    }
    return options;
  }

  /**
   * {@code options} speaking TLS, verifying the server's certificate and host name against the CA and
   * presenting the node's own certificate when it has one, when the node has a CA. Unchanged otherwise.
   */
  public HttpClientOptions client(HttpClientOptions options) {
    if (!verifies()) {
      return options;
    }
    options.setSsl(true).setVerifyHost(true).setTrustOptions(trust());
    if (serves()) {
      options.setKeyCertOptions(keyCert());
    }
    return options;
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
  }

  private PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(ca.toString());
  }
}
