package io.mezzo.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS that trusts a cluster's CA: the certificates of a PEM file (such as the {@code ca.pem} that
 * {@code mezzo cluster create} writes) and nothing else. Used by {@link SchedulerClient.Builder#caCertificate}
 * and by the {@code mezzo} command.
 */
public final class ClusterCa {
  private ClusterCa() {}

  /**
   * An SSL context whose trust is the CA certificates in {@code caPem}.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
   */
  public static SSLContext sslContext(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + n++, cert);
      }
      if (n == 0) {
        throw new IllegalArgumentException("No certificate in " + caPem);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot use " + caPem + " as the cluster CA: " + e.getMessage(), e);
    }
  }
}
