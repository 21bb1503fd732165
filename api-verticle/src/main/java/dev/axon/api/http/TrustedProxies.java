package dev.axon.api.http;

import dev.axon.common.config.ConfigException;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address behind reverse proxies ({@code api.trustedProxies}: addresses and CIDR ranges). A request
 * whose peer is a trusted proxy is from the right-most {@code X-Forwarded-For} address that is not itself a trusted
 * proxy: each proxy appends the address it was connected from, so everything left of the first untrusted hop is the
 * client's to invent and is never believed. Without trusted proxies (the default) the header is ignored, so a client
 * cannot pick its own address to dodge the authentication throttle or to forge the access log.
 *
 * <p>Addresses are parsed as literals only (never resolved: no DNS on an event loop).
 */
public final class TrustedProxies {

  /** Trusts nobody: every request is from its peer. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private static final String HEADER = "X-Forwarded-For";
  private static final String KEY = "api.trustedProxies";

  private record Range(byte[] network, int prefixBits) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefixBits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /**
   * Parses {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}.
   *
   * @throws ConfigException naming the entry that is not an address or a range
   */
  public static TrustedProxies of(List<String> entries) {
    if (entries == null || entries.isEmpty()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>(entries.size());
    for (String entry : entries) {
      ranges.add(range(entry));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  private static Range range(String entry) {
    String text = entry == null ? "" : entry.trim();
    int slash = text.indexOf('/');
    byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
    if (network == null) {
      throw new ConfigException(KEY, "'" + entry + "' is not an IP address or a CIDR range");
    }
    int bits = network.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > network.length * 8) {
        throw new ConfigException(KEY, "'" + entry + "' has a prefix length outside 0–" + network.length * 8);
      }
    }
    return new Range(network, bits);
  }

  /** The client's address: the peer's, or the one the trusted proxies in front of it say; null when unknown. */
  public String clientAddress(HttpServerRequest request) {
    // The connection's peer: Vert.x Web's request wrapper would first work out the request's Forwarded view (host,
    // scheme, absolute URI) on every request, 1 % of the event loop, for an address it takes from the same place.
    HttpConnection connection = request.connection();
    SocketAddress remote = connection != null ? connection.remoteAddress() : request.remoteAddress();
    String peer = remote == null ? null : remote.hostAddress();
    return ranges.isEmpty() ? peer : clientAddress(peer, request.headers().getAll(HEADER));
  }

  /**
   * The client's address for a request from {@code peer} with these {@code X-Forwarded-For} headers (in the order
   * received).
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (peer == null || !trusted(NetUtil.createByteArrayFromIpAddressString(peer))) {
      return peer;
    }
    String client = peer;
    // The proxies' appended hops are the right-most entries, across repeated headers in order.
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String header = forwardedFor.get(h);
      int end = header.length();
      while (end > 0) {
        int comma = header.lastIndexOf(',', end - 1);
        String hop = literal(header.substring(comma + 1, end).trim());
        byte[] address = hop == null ? null : NetUtil.createByteArrayFromIpAddressString(hop);
        if (address == null) {
          // Not an address: nothing a proxy wrote, so the last hop believed is the client.
          return client;
        }
        client = hop;
        if (!trusted(address)) {
          return client;
        }
        end = comma < 0 ? 0 : comma;
      }
    }
    return client;
  }

  private boolean trusted(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Range r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** An address as a proxy may write it: {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code ::1}, {@code [::1]:5678}. */
  private static String literal(String hop) {
    if (hop.isEmpty()) {
      return null;
    }
    if (hop.charAt(0) == '[') {
      int close = hop.indexOf(']');
      return close < 0 ? null : hop.substring(1, close);
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }
}
