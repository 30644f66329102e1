package io.mezzo.master.spi;

/** One decision of an allocation round: offer these resources of one agent to one framework, in one role. */
public record Allocation(String frameworkId, String role, String agentId, Resources resources) {}
