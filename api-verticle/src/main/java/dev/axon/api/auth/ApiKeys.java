package dev.axon.api.auth;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import dev.axon.common.tenant.KeyLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The accepted API keys, held only as SHA-256 digests. Configured as {@code api.keys}: a list whose items are
 * a key string, or {@code {name, key}}, or {@code {name, sha256}} (so the file need hold no secret); a single
 * comma-separated string is accepted too (from {@code AXON_API_KEYS}). A mapping may add {@code admin: true} and
 * {@code limits: {requestsPerMinute, tokensPerMinute, tokensPerDay, concurrentRequests, models}}. Names are 1 to 64
 * letters, digits, {@code . _ - @}; keys that share a name share limits and usage.
 *
 * <p>Lookup hashes the presented key and finds the digest; the final comparison is constant-time.
 */
public final class ApiKeys {

  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** The keys by their digest's first eight bytes. */
  private final Map<Long, Entry> byPrefix;

  private record Entry(byte[] digest, ApiKey key) {
  }

  /** @param byDigest the configured keys by their digest in hex (a key configured twice is there once) */
  private ApiKeys(Map<String, Entry> byDigest) {
    Map<Long, Entry> prefixes = new HashMap<>();
    for (Entry e : byDigest.values()) {
      // Two configured digests with the same first eight bytes (a 2^-64 chance) would leave one unfindable.
      if (prefixes.putIfAbsent(prefix(e.digest), e) != null) {
        throw new ConfigException("api.keys", "two keys' digests share their first 8 bytes; replace one of the keys");
      }
    }
    this.byPrefix = Map.copyOf(prefixes);
  }

  public static ApiKeys fromConfig(Object value) {
    Map<String, Entry> out = new HashMap<>();
    if (value == null) {
      return new ApiKeys(out);
    }
    JsonArray items;
    if (value instanceof JsonArray array) {
      items = array;
    } else if (value instanceof String s) {
      items = new JsonArray();
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          items.add(part.trim());
        }
      }
    } else {
      throw new ConfigException("api.keys", "must be a list of keys");
    }
    int index = 0;
    for (Object item : items) {
      index++;
      String name;
      byte[] digest;
      KeyLimits limits = KeyLimits.NONE;
      List<String> models = List.of();
      boolean admin = false;
      String at = "api.keys[" + (index - 1) + "]";
      if (item instanceof String key) {
        name = "key-" + index;
        digest = sha256(key.trim());
      } else if (item instanceof JsonObject o) {
        Object named = o.getValue("name");
        name = named == null ? "key-" + index : named.toString();
        if (!NAME.matcher(name).matches()) {
          throw new ConfigException(at + ".name", "must be 1 to 64 letters, digits, '.', '_', '-' or '@'");
        }
        ConfigReader r = new ConfigReader(o, at);
        admin = r.bool("admin", false);
        if (o.getValue("limits") != null) {
          if (!(o.getValue("limits") instanceof JsonObject)) {
            throw new ConfigException(at + ".limits", "must be a mapping");
          }
          ConfigReader l = r.child("limits");
          limits = new KeyLimits(
              l.intValue("requestsPerMinute", 0, 0, 100_000_000),
              l.intValue("tokensPerMinute", 0, 0, 2_000_000_000),
              l.longValue("tokensPerDay", 0, 0, Long.MAX_VALUE / 4),
              l.intValue("concurrentRequests", 0, 0, 1_000_000));
          models = l.strings("models");
        }
        if (o.getValue("key") != null) {
          digest = sha256(o.getValue("key").toString().trim());
        } else if (o.getValue("sha256") != null) {
          String hex = o.getValue("sha256").toString().trim().toLowerCase();
          if (!hex.matches("[0-9a-f]{64}")) {
            throw new ConfigException("api.keys[" + (index - 1) + "].sha256", "must be 64 hex digits");
          }
          digest = HEX.parseHex(hex);
        } else {
          throw new ConfigException("api.keys[" + (index - 1) + "]", "needs 'key' or 'sha256'");
        }
      } else {
        throw new ConfigException("api.keys[" + (index - 1) + "]", "must be a key string or a mapping");
      }
      String hex = HEX.formatHex(digest);
      out.put(hex, new Entry(digest, new ApiKey(name, hex.substring(0, 32), limits, models, admin)));
    }
    return new ApiKeys(out);
  }

  public boolean isEmpty() {
    return byPrefix.isEmpty();
  }

  public int size() {
    return byPrefix.size();
  }

  /** The first key with this name, or null. */
  public ApiKey byName(String name) {
    for (Entry e : byPrefix.values()) {
      if (e.key.name().equals(name)) {
        return e.key;
      }
    }
    return null;
  }

  /** The key's identity, or null when the key is unknown. */
  public ApiKey find(String presented) {
    byte[] digest = sha256(presented);
    Entry entry = byPrefix.get(prefix(digest));
    return entry != null && MessageDigest.isEqual(entry.digest, digest) ? entry.key : null;
  }

  /** A digest's first eight bytes: the lookup key (no hex string per request); the whole digest is compared after. */
  private static long prefix(byte[] digest) {
    long p = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      p = (p << 8) | (digest[i] & 0xFF);
    }
    return p;
  }

  static byte[] sha256(String text) {
    return SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /** One digest per thread: every request hashes its key, and {@code getInstance}'s provider lookup cost more than the hash. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
}
