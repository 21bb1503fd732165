package dev.axon.app.tests;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Helpers of the tenant tests: Valkey snapshots. */
final class TenantTests {

  private TenantTests() {
  }

  /** The sorted names of the keys matching {@code pattern} (KEYS is fine on a test server). */
  static List<String> keys(Vertx vertx, String url, String pattern) {
    Redis redis = Redis.createClient(vertx, url);
    try {
      Response r = Gateway.await(redis.send(Request.cmd(Command.KEYS).arg(pattern)));
      List<String> out = new ArrayList<>();
      for (Response item : r) {
        out.add(item.toString());
      }
      Collections.sort(out);
      return out;
    } finally {
      redis.close();
    }
  }
}
