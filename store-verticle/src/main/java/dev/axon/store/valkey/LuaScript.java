package dev.axon.store.valkey;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA ({@code EVALSHA}); when the server does not know it yet (first use, restart,
 * failover) it is sent once in full ({@code EVAL}), which also caches it on the server.
 */
public final class LuaScript {

  private final String source;
  private final String sha;

  private LuaScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * The script {@code /lua/<name>} from the class path; with several names, their sources one after the other (Lua
   * has no includes: a script shares a function by loading its file first).
   */
  public static LuaScript load(String... names) {
    StringBuilder source = new StringBuilder();
    for (String name : names) {
      try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing script /lua/" + name);
        }
        source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new LuaScript(source.toString());
  }

  public Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return run(redis, keys, args, List.of());
  }

  /**
   * Runs the script with {@code encoded} after the text arguments: values already in UTF-8 (JSON documents), passed
   * as they are instead of made strings to be encoded again.
   */
  public Future<Response> run(Redis redis, List<String> keys, List<String> args, List<byte[]> encoded) {
    return redis.send(request(Command.EVALSHA, sha, keys, args, encoded)).recover(failure -> {
      String message = failure.getMessage();
      if (message != null && message.startsWith("NOSCRIPT")) {
        return redis.send(request(Command.EVAL, source, keys, args, encoded));
      }
      return Future.failedFuture(failure);
    });
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args, List<byte[]> encoded) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    for (String key : keys) {
      request.arg(key);
    }
    for (String arg : args) {
      request.arg(arg);
    }
    for (byte[] arg : encoded) {
      request.arg(arg);
    }
    return request;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
