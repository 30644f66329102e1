package io.mezzo.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over a plain socket, or over TLS for an {@code https://} node, for what a well-behaved
 * client does not do: send a request's head and hold its body back, declare a body it never sends,
 * send a broken request line, or stop reading a response.
 */
final class RawHttp implements AutoCloseable {
  /** A response's status line and headers (names in lower case), and its body if it was read. */
  record Head(int status, Map<String, String> headers, String body) {
    @Override
    public String toString() {
      return status + " " + headers + (body.isEmpty() ? "" : " " + body);
    }
  }

  private final Socket socket;
  private final String hostPort;

  private RawHttp(Socket socket, String hostPort) {
    this.socket = socket;
    this.hostPort = hostPort;
  }

  /** A connection to {@code baseUrl} ({@code http://host:port}); a receive buffer of {@code receiveBuffer} bytes if positive. */
  static RawHttp connect(String baseUrl, int receiveBuffer) throws IOException {
    return connect(baseUrl, null, receiveBuffer);
  }

  /**
   * As {@link #connect(String, int)}; an {@code https://} {@code baseUrl} is spoken to over TLS with
   * {@code tls}'s trust (the cluster CA), checking that the node's certificate names its host.
   */
  static RawHttp connect(String baseUrl, SSLContext tls, int receiveBuffer) throws IOException {
    URI uri = URI.create(baseUrl);
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
    socket.setSoTimeout(30_000);
    if ("https".equals(uri.getScheme())) {
      if (tls == null) {
        socket.close();
        throw new IllegalArgumentException(baseUrl + " speaks TLS: give the cluster CA's SSLContext");
      }
      SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, uri.getHost(), uri.getPort(), true);
      SSLParameters parameters = secured.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secured.setSSLParameters(parameters);
      secured.startHandshake();
      socket = secured;
    }
    return new RawHttp(socket, uri.getHost() + ":" + uri.getPort());
  }

  /** Sends a POST's head declaring {@code length} body bytes, and {@code body} (all or part of them). */
  void post(String path, Map<String, String> headers, long length, byte[] body, int bodyBytes) throws IOException {
    StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(hostPort)
        .append("\r\nContent-Length: ").append(length).append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    OutputStream out = socket.getOutputStream();
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, bodyBytes);
    out.flush();
  }

  /** Sends a GET with no headers beyond Host. */
  void get(String path) throws IOException {
    get(path, Map.of());
  }

  /** Sends a GET with {@code headers} beyond Host. */
  void get(String path, Map<String, String> headers) throws IOException {
    StringBuilder head = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(hostPort)
        .append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code host:port}, for a Host header written by hand. */
  String hostPort() {
    return hostPort;
  }

  /** How long a read waits before it fails with a timeout. */
  void readTimeout(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
  }

  /**
   * True when the peer has closed the connection: a read returns end of stream or the connection
   * is reset (after any bytes of an answer still on their way, which are dropped).
   */
  boolean closedByPeer() throws IOException {
    byte[] buffer = new byte[4096];
    try {
      while (true) {
        if (socket.getInputStream().read(buffer) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  void write(byte[] bytes, int from, int count) throws IOException {
    socket.getOutputStream().write(bytes, from, count);
    socket.getOutputStream().flush();
  }

  /** Bytes of the response already received and not yet read. */
  int available() throws IOException {
    return socket.getInputStream().available();
  }

  InputStream in() throws IOException {
    return socket.getInputStream();
  }

  /** Reads the status line and headers, and the body when it has a Content-Length of at most 64 KB. */
  Head readHead() throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("The connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = line(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    String body = "";
    String length = headers.get("content-length");
    if (length != null && Integer.parseInt(length) <= 65_536) {
      body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    }
    return new Head(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
