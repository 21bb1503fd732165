package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.cluster.EventLoopAffinity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pool.instances: 2} on two event loops: a pool verticle on each loop, each registered where it runs (so the
 * API instance on that loop sends it its turns), each with its own sessions; both serve, and stopping them
 * unregisters them.
 */
class PoolInstancesTest {

  @Test
  void aPoolOnEachLoopServesTurnsAndStoppingUnregistersIt() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      Gateway gateway = await(Gateway.boot(vertx, new JsonObject().put("size", 2).put("instances", 2),
          new JsonObject().put("instances", 2)));
      Map<String, String> pools = EventLoopAffinity.registered(vertx);
      assertEquals(2, pools.size(), "two pools registered: " + pools);
      assertEquals(2, new HashSet<>(pools.values()).size(), "on two different loops: " + pools);

      waitForPoolsAnnounced(gateway, 2);
      // The client opens several connections (five by default), so both API instances (one per loop) take requests.
      WebClient client = WebClient.create(vertx);
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        sent.add(client.post(gateway.port, Gateway.HOST, "/v1/chat/completions").putHeader("Authorization", "Bearer " + KEY_A)
            .sendJsonObject(request("hello " + i)));
      }
      await(Future.all(sent));
      sent.forEach(f -> assertEquals(200, f.result().statusCode(), f.result().bodyAsString()));

      JsonArray nodes = gateway.fetch("/stats", KEY_A).bodyAsJsonObject().getJsonObject("pool").getJsonArray("nodes");
      assertEquals(2, nodes.size(), nodes.encode());
      long served = 0;
      for (int i = 0; i < nodes.size(); i++) {
        JsonObject node = nodes.getJsonObject(i);
        long requests = node.getJsonObject("counters").getLong("request", 0L);
        assertTrue(requests > 0, "every pool served turns: " + nodes.encode());
        assertTrue(node.getInteger("idle") + node.getInteger("busy") + node.getInteger("pending") >= 2,
            "each keeps its own warm sessions: " + node.encode());
        served += requests;
      }
      assertTrue(served >= 40, "all turns counted: " + nodes.encode());

      await(Future.join(new ArrayList<>(vertx.deploymentIDs()).stream().map(vertx::undeploy).toList()));
      assertEquals(Map.of(), EventLoopAffinity.registered(vertx), "stopped pools unregister");
    } finally {
      await(vertx.close());
    }
  }

  /** Until the API has heard both pools announce themselves (once a second), turns go to the shared address. */
  private static void waitForPoolsAnnounced(Gateway gateway, int count) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject stats = gateway.fetch("/stats", KEY_A).bodyAsJsonObject();
      if (stats.getJsonObject("pool").getJsonArray("nodes").size() == count) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the pools did not announce themselves in time");
  }
}
