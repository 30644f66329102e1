package io.mezzo.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a Mesos client of a secure cluster is configured with, read from the files
 * {@code mezzo cluster create} wrote: the cluster CA to trust ({@code tls/ca.pem}; every node
 * serves HTTPS only) and the principals' secrets ({@code credentials.json}, Mesos's format), sent
 * as HTTP Basic. Schedulers authenticate as {@value #FRAMEWORK}, operator tools as
 * {@value #OPERATOR}, as the cluster's ACLs expect. Written from the files' documented formats
 * with the JDK only, as a framework author would, not with Mezzo's SDK.
 */
final class ClusterAccess {
  /** The operator's principal: may do everything. */
  static final String OPERATOR = "admin";
  /** The frameworks' principal: registers, runs tasks, tears down its own frameworks. */
  static final String FRAMEWORK = "framework";

  private final SSLContext ssl;
  private final Map<String, String> secrets;

  private ClusterAccess(SSLContext ssl, Map<String, String> secrets) {
    this.ssl = ssl;
    this.secrets = Map.copyOf(secrets);
  }

  /** Trusts the CA certificates in {@code caPem} and knows the secrets of {@code credentialsJson}. */
  static ClusterAccess read(Path caPem, Path credentialsJson) {
    Map<String, String> secrets = new HashMap<>();
    try {
      JsonObject json = new JsonParser().parse(Files.readString(credentialsJson, StandardCharsets.UTF_8))
          .getAsJsonObject();
      for (JsonElement entry : json.getAsJsonArray("credentials")) {
        JsonObject credential = entry.getAsJsonObject();
        secrets.put(credential.get("principal").getAsString(), credential.get("secret").getAsString());
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Cannot read the credentials in " + credentialsJson + ": " + e.getMessage(), e);
    }
    return new ClusterAccess(trusting(caPem), secrets);
  }

  /** An HTTP client builder whose TLS trusts the cluster CA, and nothing else. */
  HttpClient.Builder http() {
    return HttpClient.newBuilder().sslContext(ssl);
  }

  /** The {@code Authorization} header value of {@code principal}: {@code Basic base64(principal:secret)}. */
  String authorization(String principal) {
    String secret = secrets.get(principal);
    if (secret == null) {
      throw new IllegalArgumentException("The cluster's credentials have no principal '" + principal + "'");
    }
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * TLS that trusts exactly the certificates of a PEM file, as a Mesos client given
   * {@code LIBPROCESS_SSL_CA_FILE}; hostnames are still checked (the JDK client's default).
   */
  static SSLContext trusting(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + n++, certificate);
      }
      if (n == 0) {
        throw new IllegalStateException("No certificate in " + caPem);
      }
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot trust " + caPem + " as the cluster CA: " + e.getMessage(), e);
    }
  }
}
