package io.mezzo.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Small pieces of the client: redirects, master URLs, backoff. */
class ClientPiecesTest {

  @Test
  void resolvesRedirectLocations() {
    URI current = URI.create("http://10.0.0.1:5050/api/v1/scheduler");
    assertThat(SubscriptionLoop.redirectTarget(current, "//10.0.0.2:5050/api/v1/scheduler"))
        .isEqualTo(URI.create("http://10.0.0.2:5050/api/v1/scheduler"));
    assertThat(SubscriptionLoop.redirectTarget(URI.create("https://m1:5050/api/v1/scheduler"), "//m2:5050/master/api/v1/scheduler"))
        .isEqualTo(URI.create("https://m2:5050/master/api/v1/scheduler"));
    assertThat(SubscriptionLoop.redirectTarget(current, "http://m3:5050/api/v1/scheduler"))
        .isEqualTo(URI.create("http://m3:5050/api/v1/scheduler"));
    assertThat(SubscriptionLoop.redirectTarget(current, "m4:5050"))
        .isEqualTo(URI.create("http://m4:5050/api/v1/scheduler"));
  }

  @Test
  void buildsTheSchedulerEndpointFromAnHttpMasterUrl() throws Exception {
    assertThat(MasterDetector.forUrl("http://127.0.0.1:5050").schedulerEndpoint())
        .isEqualTo(URI.create("http://127.0.0.1:5050/api/v1/scheduler"));
    assertThat(MasterDetector.forUrl("https://proxy.example/mezzo/").schedulerEndpoint())
        .isEqualTo(URI.create("https://proxy.example/mezzo/api/v1/scheduler"));
    assertThatThrownBy(() -> MasterDetector.forUrl("http://:5050"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
    assertThatThrownBy(() -> MasterDetector.forUrl(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void aClientThatTrustsACaSpeaksHttpsToTheEndpointsItFinds() throws Exception {
    assertThat(MasterDetector.forUrl("http://127.0.0.1:5050", true).schedulerEndpoint())
        .isEqualTo(URI.create("https://127.0.0.1:5050/api/v1/scheduler"));
    assertThat(MasterDetector.forUrl("https://m:5050", true).schedulerEndpoint())
        .isEqualTo(URI.create("https://m:5050/api/v1/scheduler"));
    assertThat(MasterDetector.forUrl("http://127.0.0.1:5050", false).schedulerEndpoint())
        .isEqualTo(URI.create("http://127.0.0.1:5050/api/v1/scheduler"));
    assertThatThrownBy(() -> SchedulerClient.builder().caCertificate(java.nio.file.Path.of("/no/such/ca.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.pem");
  }

  @Test
  void backsOffExponentiallyWithJitterUpToTheCap() {
    long seed = System.nanoTime();
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15), new SplittableRandom(seed));
    long[] ceilings = {1000, 2000, 4000, 8000, 15000, 15000, 15000};
    for (int attempt = 0; attempt < ceilings.length; attempt++) {
      for (int i = 0; i < 50; i++) {
        long delay = backoff.delay(attempt).toMillis();
        assertThat(delay)
            .as("attempt %d, seed %d", attempt, seed)
            .isBetween(ceilings[attempt] / 2, ceilings[attempt]);
      }
    }
    assertThat(backoff.delay(1000).toMillis()).as("seed %d", seed).isBetween(7500L, 15000L);
  }
}
