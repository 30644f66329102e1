package io.mezzo.sdk;

import io.mezzo.protocol.Wire;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A master given by URL. If it is not the leader it answers 307 with the leader's address,
 * which the client follows; this detector always starts from the configured URL again.
 */
final class FixedMasterDetector implements MasterDetector {
  private final URI endpoint;

  private FixedMasterDetector(URI endpoint) {
    this.endpoint = endpoint;
  }

  static FixedMasterDetector parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Invalid master URL '" + url + "': " + e.getMessage(), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("Invalid master URL '" + url + "': no host, expected http://host:port");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("Invalid master URL '" + url + "': no query or fragment expected");
    }
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return new FixedMasterDetector(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + prefix + Wire.SCHEDULER_PATH));
  }

  @Override
  public URI schedulerEndpoint() {
    return endpoint;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
