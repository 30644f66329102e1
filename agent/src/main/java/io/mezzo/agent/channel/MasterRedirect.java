package io.mezzo.agent.channel;

import io.mezzo.agent.detector.MasterAddress;

/** A master that is not the leader answered 307 with the leader's address in {@code Location}. */
final class MasterRedirect extends RuntimeException {
  final MasterAddress leader;

  MasterRedirect(MasterAddress from, MasterAddress leader) {
    super(from + " is not the leading master; it redirects to " + leader);
    this.leader = leader;
  }
}
