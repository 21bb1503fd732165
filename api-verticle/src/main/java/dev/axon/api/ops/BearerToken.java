package dev.axon.api.ops;

import dev.axon.common.config.ConfigException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A secret an operator configures for an operations endpoint (the metrics token, the status token), held only as
 * its SHA-256 digest. Configured as the token itself or as {@code {sha256: <hex>}}, so the file need hold no
 * secret. Presented as {@code Authorization: Bearer <token>}; compared in constant time.
 */
public final class BearerToken {

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /** The token at {@code key}, or null when none is configured (absent or empty). */
  public static BearerToken fromConfig(Object value, String key) {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject o) {
      Object hex = o.getValue("sha256");
      if (hex == null || !hex.toString().trim().toLowerCase().matches("[0-9a-f]{64}")) {
        throw new ConfigException(key + ".sha256", "must be 64 hex digits (the SHA-256 of the token)");
      }
      return new BearerToken(HEX.parseHex(hex.toString().trim().toLowerCase()));
    }
    String token = value.toString().trim();
    if (token.isEmpty()) {
      return null;
    }
    if (token.length() < 8) {
      throw new ConfigException(key, "must be at least 8 characters long");
    }
    return new BearerToken(sha256(token));
  }

  /** Whether the request presents this token as {@code Authorization: Bearer <token>}. */
  public boolean matches(RoutingContext rc) {
    String presented = presented(rc);
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  /** The bearer credential of a request, or null. */
  static String presented(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String value = header.substring(7).trim();
    return value.isEmpty() ? null : value;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
