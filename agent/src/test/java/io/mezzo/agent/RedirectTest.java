package io.mezzo.agent;

import io.mezzo.agent.support.MasterUrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.agent.channel.ReconnectBackoff;
import io.mezzo.agent.testing.FakeMaster;
import io.mezzo.agent.testing.FakeRuntime;
import io.mezzo.testkit.ManualClock;
import io.mezzo.agent.testing.ManualTimers;
import io.mezzo.testkit.TestVertx;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RedirectTest {
  @RegisterExtension
  final TestVertx vertxes = new TestVertx();
  @TempDir
  Path workDir;

  @Test
  void followsANonLeadersRedirectToTheLeader() throws Exception {
    Vertx vertx = vertxes.vertx();
    ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    ManualTimers timers = new ManualTimers(clock);
    try (FakeMaster follower = FakeMaster.start(vertx, "unused"); FakeMaster leader = FakeMaster.start(vertx, "agent-7")) {
      follower.redirectTo(leader);
      Agent agent = new Agent(AgentConfig.builder().master(MasterUrl.parse(follower.url())).workDir(workDir).port(0).build(),
          clock, vertx, timers, (v, t) -> List.of(new FakeRuntime()));
      AgentHarness.get(agent.start());

      await().atMost(AgentHarness.WAIT).until(() -> follower.registrations().size() == 1);
      await().atMost(AgentHarness.WAIT).until(() -> timers.armedWithin(ReconnectBackoff.MIN) > 0);
      timers.advance(ReconnectBackoff.MIN);

      await().atMost(AgentHarness.WAIT).until(() -> "agent-7".equals(agent.agentId()));
      assertThat(leader.registrations()).hasSize(1);
      assertThat(follower.registrations()).hasSize(1);
      AgentHarness.get(agent.close());
    }
  }
}
