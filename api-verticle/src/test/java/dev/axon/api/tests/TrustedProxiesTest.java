package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.http.TrustedProxies;
import dev.axon.common.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request is from, behind proxies trusted or not. */
class TrustedProxiesTest {

  private static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertEquals("127.0.0.1", TrustedProxies.NONE.clientAddress("127.0.0.1", List.of("203.0.113.9")));
    assertEquals("127.0.0.1", TrustedProxies.of(List.of()).clientAddress("127.0.0.1", List.of("203.0.113.9")));
  }

  @Test
  void aPeerThatIsNoTrustedProxyIsTheClientWhateverItSays() {
    assertEquals("198.51.100.4", PROXIES.clientAddress("198.51.100.4", List.of("203.0.113.9")));
  }

  @Test
  void behindTrustedProxiesTheClientIsTheRightMostUntrustedHop() {
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("203.0.113.9")));
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("203.0.113.9, 192.168.1.7")));
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("198.51.100.1", "203.0.113.9,10.9.9.9")),
        "repeated headers are one list, in order");
    assertEquals("2001:db8::5", PROXIES.clientAddress("fd12::1", List.of("2001:db8::5")));
  }

  @Test
  void whatTheClientWroteLeftOfItsOwnHopIsNotBelieved() {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the address it saw.
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("1.1.1.1, 203.0.113.9")));
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("not-an-address, 203.0.113.9")));
  }

  @Test
  void portsAndBracketsAreStripped() {
    assertEquals("203.0.113.9", PROXIES.clientAddress("10.1.2.3", List.of("203.0.113.9:51234")));
    assertEquals("2001:db8::5", PROXIES.clientAddress("10.1.2.3", List.of("[2001:db8::5]:443")));
  }

  @Test
  void aHopThatIsNoAddressStopsTheWalkAtTheLastHopBelieved() {
    assertEquals("10.1.2.3", PROXIES.clientAddress("10.1.2.3", List.of("unknown")));
    assertEquals("192.168.1.7", PROXIES.clientAddress("10.1.2.3", List.of("evil.example, 192.168.1.7")));
    assertEquals("10.1.2.3", PROXIES.clientAddress("10.1.2.3", List.of()));
    assertEquals("10.1.2.3", PROXIES.clientAddress("10.1.2.3", List.of("")));
  }

  @Test
  void onlyTrustedHopsMeansTheLeftMostOfThem() {
    assertEquals("10.4.4.4", PROXIES.clientAddress("10.1.2.3", List.of("10.4.4.4, 192.168.1.7")));
  }

  @Test
  void prefixesMatchBitByBit() {
    TrustedProxies odd = TrustedProxies.of(List.of("172.16.0.0/12"));
    assertEquals("203.0.113.9", odd.clientAddress("172.31.255.1", List.of("203.0.113.9")));
    assertEquals("172.32.0.1", odd.clientAddress("172.32.0.1", List.of("203.0.113.9")));
    TrustedProxies everyone = TrustedProxies.of(List.of("0.0.0.0/0"));
    assertEquals("203.0.113.9", everyone.clientAddress("8.8.8.8", List.of("203.0.113.9")));
    assertEquals("::1", everyone.clientAddress("::1", List.of("203.0.113.9")), "an IPv4 range does not hold IPv6 peers");
  }

  @Test
  void entriesThatAreNoAddressOrRangeAreRefusedByName() {
    for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "")) {
      ConfigException e = assertThrows(ConfigException.class, () -> TrustedProxies.of(List.of(bad)), bad);
      assertEquals("api.trustedProxies", e.key());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
