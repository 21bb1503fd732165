package dev.axon.app.tests;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers of the tenant tests: Valkey snapshots, raw HTTP exchanges. */
final class TenantTests {

  private TenantTests() {
  }

  /**
   * Every key of a database with its type, content and whether it expires: two equal snapshots mean nothing was
   * written in between (a TTL refresh aside).
   */
  static Map<String, String> snapshot(Vertx vertx, String url) {
    Redis redis = Redis.createClient(vertx, url);
    try {
      Map<String, String> out = new TreeMap<>();
      for (Response key : Gateway.await(redis.send(Request.cmd(Command.KEYS).arg("*")))) {
        String name = key.toString();
        String type = Gateway.await(redis.send(Request.cmd(Command.TYPE).arg(name))).toString();
        Request read;
        switch (type) {
          case "hash": read = Request.cmd(Command.HGETALL).arg(name); break;
          case "list": read = Request.cmd(Command.LRANGE).arg(name).arg(0).arg(-1); break;
          case "zset": read = Request.cmd(Command.ZRANGE).arg(name).arg(0).arg(-1).arg("WITHSCORES"); break;
          case "set": read = Request.cmd(Command.SMEMBERS).arg(name); break;
          default: read = Request.cmd(Command.GET).arg(name); break;
        }
        Response value = Gateway.await(redis.send(read));
        out.put(name, type + " " + (value == null ? "nil" : value.toString()));
      }
      return out;
    } finally {
      redis.close();
    }
  }

  /** Empties one database of the shared test server. */
  static void flush(Vertx vertx, String url) {
    Redis redis = Redis.createClient(vertx, url);
    try {
      Gateway.await(redis.send(Request.cmd(Command.FLUSHDB)));
    } finally {
      redis.close();
    }
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
