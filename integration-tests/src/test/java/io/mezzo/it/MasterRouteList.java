package io.mezzo.it;

import io.mezzo.master.api.ApiLimits;
import io.mezzo.master.api.LeaderGate;
import io.mezzo.master.api.Leadership;
import io.mezzo.master.api.MasterRoutes;
import io.mezzo.node.http.BodyBudget;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The routes of the master's own router ({@link MasterRoutes}), so that a sweep over "every route"
 * follows the product when a route is added, rather than a list in a test.
 */
final class MasterRouteList {
  private MasterRouteList() {}

  /** Each route's path (a wildcard route's without its {@code *}), with the method it takes (POST where any is taken). */
  static Map<String, HttpMethod> routes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = MasterRoutes.router(vertx, new LeaderGate(Leadership::initial, Optional::empty, () -> "self"),
          () -> { }, ApiLimits.defaults(), new BodyBudget(ApiLimits.defaults().inflightBodyBytes()));
      Map<String, HttpMethod> routes = new TreeMap<>();
      for (Route route : router.getRoutes()) {
        if (route.getPath() != null) {
          Set<HttpMethod> methods = route.methods();
          routes.put(route.getPath(), methods == null || methods.isEmpty() ? HttpMethod.POST : methods.iterator().next());
        }
      }
      return routes;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
