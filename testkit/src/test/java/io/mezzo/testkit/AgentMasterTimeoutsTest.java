package io.mezzo.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.channel.MasterLink;
import io.mezzo.master.api.ApiLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Timeouts that the agent and the master must agree on, though neither module sees the other:
 * they meet only in what embeds both.
 */
class AgentMasterTimeoutsTest {
  @Test
  void anAgentDropsAnIdleConnectionBeforeTheMasterMayCloseIt() {
    // The master closes a kept-alive connection idle for one to two of its body read timeouts; a
    // call the agent sent on it just then would be lost.
    assertThat(Duration.ofSeconds(MasterLink.KEEP_ALIVE_SECONDS)).isLessThan(ApiLimits.DEFAULT_BODY_READ_TIMEOUT);
  }
}
