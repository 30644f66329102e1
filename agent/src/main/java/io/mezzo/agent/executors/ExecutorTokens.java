package io.mezzo.agent.executors;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The agent's executor tokens, as Mesos's executor secrets: a JSON Web Token (HS256, signed with a
 * key only the agent holds) naming one framework's executor ({@code {"fid": …, "eid": …}}), given
 * to the executor in {@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN} and sent back as
 * {@code Authorization: Bearer <token>} on every executor API call. A call without a valid token
 * is refused (401), and one about another executor than its token names too (403), so an executor
 * cannot speak for another. Immutable and thread-safe.
 */
public final class ExecutorTokens {
  /** The environment variable Mesos executors read their token from. */
  public static final String ENV = "MESOS_EXECUTOR_AUTHENTICATION_TOKEN";
  /** The key file the agent makes in its work directory when no key is given. */
  public static final String KEY_FILE = "executor-secret.key";
  static final int MIN_KEY_BYTES = 32;
  private static final String HEADER = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  /** What a valid token says. */
  public record Claims(String frameworkId, String executorId) {}

  private final byte[] key;

  private ExecutorTokens(byte[] key) {
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("The executor secret key must have at least " + MIN_KEY_BYTES
          + " bytes, not " + key.length);
    }
    this.key = key.clone();
  }

  /** Tokens signed with {@code key} (at least 32 bytes). */
  public static ExecutorTokens withKey(byte[] key) {
    return new ExecutorTokens(Objects.requireNonNull(key, "key"));
  }

  /**
   * Tokens signed with the key in {@code file} (Mesos's {@code --executor_secret_key}).
   *
   * @throws IllegalArgumentException when the file cannot be read or holds too short a key
   */
  public static ExecutorTokens fromFile(Path file) {
    try {
      return new ExecutorTokens(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the executor secret key " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (" + file + ")");
    }
  }

  /**
   * Tokens signed with the key in {@code <workDir>/executor-secret.key}, made (32 random bytes,
   * mode 0600) on first use, so that executors that outlive an agent restart keep valid tokens.
   */
  public static ExecutorTokens inWorkDir(Path workDir) {
    Path file = workDir.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      byte[] fresh = new byte[MIN_KEY_BYTES];
      new SecureRandom().nextBytes(fresh);
      try {
        Files.createDirectories(workDir);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, fresh);
      } catch (FileAlreadyExistsException raced) {
        // Another start made it first: read theirs.
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the executor secret key " + file, e);
      }
    }
    return fromFile(file);
  }

  /** A token for one executor of one framework. */
  public String issue(String frameworkId, String executorId) {
    String payload = base64(new JsonObject().put("fid", frameworkId).put("eid", executorId).encode()
        .getBytes(StandardCharsets.UTF_8));
    String signed = HEADER + "." + payload;
    return signed + "." + base64(sign(signed));
  }

  /** The claims of a token this agent signed; empty for anything else (malformed, forged, another key). */
  public Optional<Claims> verify(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(HEADER)) {
      // Only the header this agent writes: no "alg":"none", no other algorithm.
      return Optional.empty();
    }
    byte[] signature;
    byte[] payload;
    try {
      signature = Base64.getUrlDecoder().decode(parts[2]);
      payload = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
      return Optional.empty();
    }
    try {
      JsonObject claims = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      if (claims.getValue("fid") instanceof String fid && claims.getValue("eid") instanceof String eid) {
        return Optional.of(new Claims(fid, eid));
      }
    } catch (DecodeException e) {
      // Signed by this agent but not its payload: cannot happen unless the key leaked.
    }
    return Optional.empty();
  }

  private byte[] sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
