package dev.axon.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.app.AxonConfig;
import dev.axon.app.ClusteredVertx;
import dev.axon.app.Main;
import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three clustered Vert.x instances in one JVM on loopback (Hazelcast, explicit TCP members): the edge and the
 * store on one, a pool on each of the other two. Turns, streams, statistics and configuration changes cross the
 * clustered event bus exactly as in one JVM, and a pool that leaves does not lose requests.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusteredDeploymentTest {

  static final String KEY = "sk-cluster-test";
  static Vertx edge;
  static Vertx poolB;
  static Vertx poolC;
  static int port;
  static WebClient client;

  static JsonObject config(String roles, List<String> members, int hazelcastPort) {
    return new JsonObject()
        .put("roles", roles)
        .put("api", new JsonObject().put("port", port).put("instances", 1).put("keys", new JsonArray().add(KEY)))
        .put("pool", new JsonObject().put("size", 1).put("max", 4).put("heartbeatMs", 500))
        .put("store", new JsonObject().put("backend", "valkey").put("valkey", new JsonObject().put("url", ValkeyFixture.shared().url())))
        .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", hazelcastPort)
            .put("members", new JsonArray(members)));
  }

  static Future<Vertx> node(String roles, List<String> members, int hazelcastPort) {
    AxonConfig config = new AxonConfig(config(roles, members, hazelcastPort));
    return ClusteredVertx.start(config.cluster(), new VertxOptions()).compose(vertx -> {
      Codecs.register(vertx);
      return Main.deploy(vertx, config).map(vertx);
    });
  }

  @BeforeAll
  static void startCluster(VertxTestContext ctx) {
    port = ValkeyFixture.freePort();
    int a = ValkeyFixture.freePort();
    int b = ValkeyFixture.freePort();
    int c = ValkeyFixture.freePort();
    List<String> members = List.of("127.0.0.1:" + a, "127.0.0.1:" + b, "127.0.0.1:" + c);
    node("pool", members, b)
        .compose(vb -> {
          poolB = vb;
          return node("pool", members, c);
        })
        .compose(vc -> {
          poolC = vc;
          return node("store,api", members, a);
        })
        .onComplete(ctx.succeeding(va -> {
          edge = va;
          client = WebClient.create(edge);
          ctx.completeNow();
        }));
  }

  @AfterAll
  static void stopCluster(VertxTestContext ctx) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Vertx v : new Vertx[] {edge, poolB, poolC}) {
      if (v != null) {
        closing.add(v.close());
      }
    }
    Future.join(closing).onComplete(ar -> ctx.completeNow());
  }

  static Future<HttpResponse<io.vertx.core.buffer.Buffer>> chat(JsonObject body) {
    return client.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + KEY).sendJsonObject(body);
  }

  static JsonObject message(String text) {
    return new JsonObject().put("model", "claude-sonnet-4-6")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  /** Polls /stats until both pools and every role have announced themselves. */
  static Future<JsonObject> statsWithPools(int pools, int attempts) {
    return client.get(port, "127.0.0.1", "/stats").putHeader("Authorization", "Bearer " + KEY).send()
        .compose(r -> {
          JsonObject s = r.bodyAsJsonObject();
          boolean allRoles = !s.getJsonArray("nodes").isEmpty() && s.getJsonArray("nodes").getJsonObject(0).getJsonArray("roles").size() == 3;
          if ((s.getJsonObject("pool").getJsonArray("nodes").size() == pools && allRoles) || attempts == 0) {
            return Future.succeededFuture(s);
          }
          return edge.timer(250).compose(t -> statsWithPools(pools, attempts - 1));
        });
  }

  @Test
  @Order(1)
  void statsShowEveryNodeAndPool(VertxTestContext ctx) {
    statsWithPools(2, 40).onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
      assertEquals(2, stats.getJsonObject("pool").getJsonArray("nodes").size(), stats.encodePrettily());
      // One JVM is one node id, so the three instances show as one node with all three roles.
      assertEquals(List.of("api", "pool", "store"), stats.getJsonArray("nodes").getJsonObject(0).getJsonArray("roles").stream()
          .map(Object::toString).sorted().toList());
      assertEquals(2, stats.getJsonObject("sessions").getInteger("idle") + stats.getJsonObject("sessions").getInteger("busy"));
      ctx.completeNow();
    })));
  }

  @Test
  @Order(2)
  void plainAndStreamingTurnsCrossTheClusteredBus(VertxTestContext ctx) {
    chat(message("hello across the cluster"))
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            assertTrue(plain.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content").contains("hello across the cluster"));
          });
          return chat(message("streamed across nodes").put("stream", true));
        })
        .onComplete(ctx.succeeding(stream -> ctx.verify(() -> {
          String body = stream.bodyAsString();
          assertEquals(200, stream.statusCode());
          assertTrue(body.contains("\"role\":\"assistant\""));
          assertTrue(body.contains("streamed"));
          assertTrue(body.trim().endsWith("data: [DONE]"));
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void configurationChangesReachEveryNode(VertxTestContext ctx) {
    JsonObject api = new AxonConfig(config("api", List.of("127.0.0.1:1"), 1)).api();
    api.put("keys", new JsonArray().add(KEY).add("sk-added-live"));
    // Published from a pool node: the API on the edge node must apply it.
    poolC.eventBus().publish(Addresses.CONFIG_API, api);
    poll(() -> client.get(port, "127.0.0.1", "/v1/models").putHeader("Authorization", "Bearer sk-added-live").send()
        .map(r -> r.statusCode() == 200), 40)
        .onComplete(ctx.succeeding(ok -> ctx.verify(() -> {
          assertTrue(ok, "the added key works on the edge node");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(4)
  void aPoolLeavingLosesNoRequest(VertxTestContext ctx) {
    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      requests.add(chat(message("MOCK_SLOW 150 request " + i).put("max_completion_tokens", 6)));
    }
    edge.setTimer(400, t -> poolB.close());
    Future.all(requests).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (Future<HttpResponse<io.vertx.core.buffer.Buffer>> r : requests) {
        assertEquals(200, r.result().statusCode(), r.result().bodyAsString());
      }
      ctx.completeNow();
    })));
  }

  static Future<Boolean> poll(java.util.function.Supplier<Future<Boolean>> check, int attempts) {
    return check.get().compose(ok -> ok || attempts == 0 ? Future.succeededFuture(ok)
        : edge.timer(250).compose(t -> poll(check, attempts - 1)));
  }

}
