package io.mezzo.master.spi;

/**
 * One decision of an allocation round: offer these resources of one agent to one framework,
 * in one role. {@code offered} tells which part is unreserved and which is reserved for which
 * role (the allocation role or one of its ancestors).
 */
public record Allocation(String frameworkId, String role, String agentId, AgentResources offered) {

  /** An allocation of unreserved resources only. */
  public Allocation(String frameworkId, String role, String agentId, Resources resources) {
    this(frameworkId, role, agentId, AgentResources.unreserved(resources));
  }

  /** Everything offered, unreserved and reserved, as one bag. */
  public Resources resources() {
    return offered.total();
  }
}
