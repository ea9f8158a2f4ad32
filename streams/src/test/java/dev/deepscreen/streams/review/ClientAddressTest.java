package dev.deepscreen.streams.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private static final ClientAddress BEHIND_INGRESS = new ClientAddress(ClientAddress.blocks(
      List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7")));

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() throws Exception {
    ClientAddress direct = new ClientAddress(List.of());
    assertThat(direct.of(ip("198.51.100.4"), List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
    assertThat(direct.of(ip("10.1.2.3"), null)).isEqualTo("10.1.2.3");
  }

  @Test
  void aTrustedProxyIsBelievedUpToTheFirstHopItDoesNotTrust() throws Exception {
    // The ingress (10.1.2.3) forwards what a load balancer (192.0.2.7) forwarded from a client.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("203.0.113.9, 192.0.2.7")))
        .isEqualTo("203.0.113.9");
    // What the client wrote itself, left of its own address, is not believed.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("1.1.1.1, 203.0.113.9")))
        .isEqualTo("203.0.113.9");
    // Several headers read as one list, in order.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("1.1.1.1", "203.0.113.9")))
        .isEqualTo("203.0.113.9");
    // An untrusted peer's header is ignored.
    assertThat(BEHIND_INGRESS.of(ip("198.51.100.4"), List.of("203.0.113.9")))
        .isEqualTo("198.51.100.4");
    // All hops trusted: the left-most.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
    // No header: the proxy itself.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of())).isEqualTo("10.1.2.3");
  }

  @Test
  void ipv6AndBracketsAreAddressesToo() throws Exception {
    assertThat(BEHIND_INGRESS.of(ip("fd12::1"), List.of("2001:db8::5")))
        .isEqualTo("2001:db8:0:0:0:0:0:5");
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("[2001:db8::5]")))
        .isEqualTo("2001:db8:0:0:0:0:0:5");
  }

  @Test
  void anEntryThatIsNoAddressEndsTheWalkAtTheHopThatPassedItWithoutALookup()
      throws Exception {
    // Names are never resolved: a client cannot make the server ask DNS.
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("localhost"))).isEqualTo("10.1.2.3");
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("999.1.1.1"))).isEqualTo("10.1.2.3");
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of("unknown, 192.0.2.7")))
        .isEqualTo("192.0.2.7");
    assertThat(BEHIND_INGRESS.of(ip("10.1.2.3"), List.of(""))).isEqualTo("10.1.2.3");
  }

  @Test
  void blocksAreAddressesOrCidrAndAnythingElseIsRefusedWithTheReason() {
    ClientAddress.Block block = ClientAddress.Block.parse("172.16.0.0/12");
    assertThat(block.contains(new byte[] {(byte) 172, 31, (byte) 255, 1})).isTrue();
    assertThat(block.contains(new byte[] {(byte) 172, 32, 0, 1})).isFalse();
    assertThat(ClientAddress.Block.parse("0.0.0.0/0").contains(new byte[] {8, 8, 8, 8}))
        .isTrue();
    assertThatThrownBy(() -> ClientAddress.Block.parse("ingress.local"))
        .hasMessage("'ingress.local' is not an IP address or CIDR block");
    assertThatThrownBy(() -> ClientAddress.Block.parse("10.0.0.0/33"))
        .hasMessage("'10.0.0.0/33' has a prefix outside 0..32");
    assertThatThrownBy(() -> ClientAddress.Block.parse("fd00::/x"))
        .hasMessage("'fd00::/x' has a prefix outside 0..128");
  }
}
