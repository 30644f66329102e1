package io.mezzo.node.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: a self-signed CA that issues each node its certificate, as
 * {@code mezzo cluster create} does, and as tests do with the same code. Keys are EC P-256, signed
 * with SHA-256; certificates are made with Bouncy Castle, written as PEM files only their owner may
 * read (0600).
 *
 * <p>A master's certificate is for TLS servers only; an agent's is for servers and clients, since the
 * agent presents it to the master on the agent channel (mutual TLS). Java's TLS stack checks these
 * key purposes, so a master's certificate cannot pose as an agent's.
 */
public final class CertificateAuthority {
  /** What a node's certificate may be used for. */
  public enum Purpose {
    /** A TLS server (the master). */
    SERVER,
    /** A TLS server that is also a TLS client of the master (the agent). */
    SERVER_AND_CLIENT
  }

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    /** Writes the certificate and the key as PEM files of mode 0600, replacing what was there. */
    public void write(Path certFile, Path keyFile) {
      writePem(certFile, certificate);
      writePem(keyFile, key);
    }
  }

  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Issued ca;

  private CertificateAuthority(Issued ca) {
    this.ca = ca;
  }

  /** A new CA whose subject is {@code CN=<name>}, valid for ten years. */
  public static CertificateAuthority create(String name) {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(subject, subject, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not make the CA certificate", e);
    }
  }

  /** The CA that {@link #write} left in these files. */
  public static CertificateAuthority read(Path certFile, Path keyFile) {
    try (Reader certReader = Files.newBufferedReader(certFile); PEMParser certPem = new PEMParser(certReader);
        Reader keyReader = Files.newBufferedReader(keyFile); PEMParser keyPem = new PEMParser(keyReader)) {
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certPem.readObject());
      Object key = keyPem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey privateKey = key instanceof PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
          : converter.getPrivateKey((PrivateKeyInfo) key);
      return new CertificateAuthority(new Issued(cert, privateKey));
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("Could not read the CA from " + certFile + " and " + keyFile + ": " + e, e);
    }
  }

  /** The CA's own certificate, which peers trust. */
  public X509Certificate certificate() {
    return ca.certificate();
  }

  /** Writes the CA's certificate and key as PEM files of mode 0600. */
  public void write(Path certFile, Path keyFile) {
    ca.write(certFile, keyFile);
  }

  /**
   * A certificate for a node, signed by this CA.
   *
   * @param commonName the subject's CN (the node's name)
   * @param names the host names and IP addresses the node is reached at (subject alternative names);
   *     an entry that parses as an IP literal becomes an IP address name
   */
  public Issued issue(String commonName, Collection<String> names, Purpose purpose) {
    KeyPair keys = keyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      List<KeyPurposeId> purposes = new ArrayList<>(List.of(KeyPurposeId.id_kp_serverAuth));
      if (purpose == Purpose.SERVER_AND_CLIENT) {
        purposes.add(KeyPurposeId.id_kp_clientAuth);
      }
      X509v3CertificateBuilder builder = builder(
          X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
          new X500Name("CN=" + commonName), keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
          .addExtension(Extension.subjectAlternativeName, false, alternativeNames(names))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new Issued(sign(builder, ca.key()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not issue a certificate for " + commonName, e);
    }
  }

  private static GeneralNames alternativeNames(Collection<String> names) {
    Set<String> unique = new LinkedHashSet<>(names);
    if (unique.isEmpty()) {
      throw new IllegalArgumentException("A node certificate needs at least one host name or IP address");
    }
    List<GeneralName> all = new ArrayList<>();
    for (String name : unique) {
      all.add(new GeneralName(isIpLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return new GeneralNames(all.toArray(GeneralName[]::new));
  }

  /** True for an IPv4 or IPv6 literal; never resolves a name. */
  static boolean isIpLiteral(String name) {
    if (name.contains(":")) {
      return true;
    }
    if (!name.matches("[0-9.]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(name).getHostAddress().equals(name);
    } catch (IOException e) {
      return false;
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    // Back-dated a little, so that a peer whose clock is slightly behind accepts it at once.
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot make EC P-256 keys", e);
    }
  }

  /** Writes one PEM object to a file created with mode 0600 (on file systems that have modes). */
  static void writePem(Path file, Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      // A private key goes out as PKCS#8 ("PRIVATE KEY"), which every TLS stack reads.
      if (object instanceof PrivateKey key) {
        pem.writeObject(new JcaPKCS8Generator(key, null));
      } else {
        pem.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.deleteIfExists(file);
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, text.toString(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file, e);
    }
  }
}
