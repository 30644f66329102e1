package io.mezzo.agent.files;

import io.mezzo.node.auth.Acls;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read which sandbox through {@code /files/*} and the operator API's LIST_FILES and
 * READ_FILE: Mesos's {@code access_sandboxes} ACL, whose subject is the caller's principal and
 * whose object is the OS user of the sandbox's executor or task.
 *
 * <ul>
 *   <li>Without {@code --acls}: anyone may read every sandbox, as a Mesos agent without ACLs.
 *   <li>With {@code --acls}: a principal may always read the sandboxes of the frameworks whose
 *       {@code FrameworkInfo.principal} is its own; any other sandbox (another principal's, or one
 *       whose owner the agent does not know) only when {@code access_sandboxes} allows it, and
 *       when no rule speaks about it, as {@code permissive} says ({@code false} unless given).
 * </ul>
 *
 * Paths above every executor's sandbox list only ids: {@code frameworks/} is open to every caller
 * that got through authentication, a framework's directory is guarded as its sandboxes are, with
 * the framework's user as the object. Immutable; safe from any thread.
 */
public final class SandboxAccess {
  /** Every caller may read every sandbox (no {@code --acls}). */
  public static final SandboxAccess OPEN = new SandboxAccess(null, sandbox -> Future.succeededFuture(Optional.empty()));

  private final Acls acls;
  private final SandboxOwners owners;

  private SandboxAccess(Acls acls, SandboxOwners owners) {
    this.acls = acls;
    this.owners = owners;
  }

  /** Guarded by {@code acls} when given, open otherwise; {@code owners} says whose each sandbox is. */
  public static SandboxAccess of(Optional<Acls> acls, SandboxOwners owners) {
    return acls.map(given -> new SandboxAccess(given, Objects.requireNonNull(owners, "owners"))).orElse(OPEN);
  }

  /** Whether every caller may read every sandbox, so no check needs an owner. */
  boolean open() {
    return acls == null;
  }

  /**
   * Completes when {@code principal} may read {@code sandbox}; fails with a 403
   * {@link FileRequestException} naming the action when it may not.
   *
   * @param principal the authenticated caller, empty when the agent does not authenticate readers
   */
  Future<Void> check(Optional<String> principal, SandboxId sandbox) {
    if (acls == null || sandbox.framework().isEmpty()) {
      return Future.succeededFuture();
    }
    return owners.owner(sandbox).compose(owner -> allows(acls, principal, owner)
        ? Future.succeededFuture()
        : Future.failedFuture(new FileRequestException(403, "Forbidden: " + principal.map(p -> "principal '" + p + "'")
            .orElse("an unauthenticated caller") + " is not authorized to access_sandboxes (the sandbox of "
            + sandbox + ")")));
  }

  /** The rule above, for a known or unknown owner. */
  static boolean allows(Acls acls, Optional<String> principal, Optional<SandboxOwner> owner) {
    if (principal.isPresent() && owner.flatMap(SandboxOwner::principal).equals(principal)) {
      return true;
    }
    return acls.approved(Acls.Action.ACCESS_SANDBOXES, principal, owner.flatMap(SandboxOwner::user));
  }
}
