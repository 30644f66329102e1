package io.mezzo.agent.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code <work-dir>/agent.json}, written once the agent has registered so that the CLI can
 * find it: {@code {"agent_id":"...","port":5051,"pid":1234}}. Replaced atomically.
 */
public final class RegistrationFile {
  public static final String NAME = "agent.json";

  private RegistrationFile() {}

  /** The agent id an earlier run of the agent registered with, or null when there is none (or it is unreadable). */
  public static String readAgentId(Path workDir) {
    try {
      JsonObject json = new JsonObject(Files.readString(workDir.resolve(NAME), StandardCharsets.UTF_8));
      String id = json.getString("agent_id");
      return id == null || id.isBlank() ? null : id;
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RegistrationFile.class)
          .warn("Ignoring unreadable {}: {}", workDir.resolve(NAME), e.toString());
      return null;
    }
  }

  public static Path write(Path workDir, String agentId, int port, long pid) throws IOException {
    JsonObject json = new JsonObject().put("agent_id", agentId).put("port", port).put("pid", pid);
    Path temp = Files.createTempFile(workDir, NAME + ".", ".tmp");
    Path target = workDir.resolve(NAME);
    try {
      Files.writeString(temp, json.encode() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }
}
