package io.mezzo.agent.files;

import java.util.Optional;

/**
 * Who a sandbox belongs to, as {@code access_sandboxes} asks: its framework's principal
 * ({@code FrameworkInfo.principal}) and the OS user its executor or task runs as
 * ({@code CommandInfo.user}, else {@code FrameworkInfo.user}).
 */
public record SandboxOwner(Optional<String> principal, Optional<String> user) {
  public SandboxOwner {
    principal = principal.filter(p -> !p.isEmpty());
    user = user.filter(u -> !u.isEmpty());
  }
}
