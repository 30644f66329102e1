package io.mezzo.sdk;

import java.net.URI;

/**
 * A detector whose endpoints are spoken to over HTTPS. MasterInfo in ZooKeeper carries no scheme
 * (as in Mesos, where a client with SSL on switches to https), so a client that trusts a cluster CA
 * turns every {@code http} endpoint it finds into {@code https} at the same address.
 */
final class HttpsMasterDetector implements MasterDetector {
  private final MasterDetector plain;

  HttpsMasterDetector(MasterDetector plain) {
    this.plain = plain;
  }

  @Override
  public URI schedulerEndpoint() throws InterruptedException {
    return https(plain.schedulerEndpoint());
  }

  @Override
  public java.util.Optional<URI> knownEndpoint() {
    return plain.knownEndpoint().map(HttpsMasterDetector::https);
  }

  static URI https(URI endpoint) {
    return "http".equals(endpoint.getScheme()) ? URI.create("https" + endpoint.toString().substring(4)) : endpoint;
  }

  @Override
  public void close() {
    plain.close();
  }

  @Override
  public String toString() {
    return plain + " (https)";
  }
}
