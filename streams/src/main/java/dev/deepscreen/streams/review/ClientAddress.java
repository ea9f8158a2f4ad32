package dev.deepscreen.streams.review;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a request comes from, for login throttling and the logs. Without trusted proxies it is
 * the peer of the connection. Behind a reverse proxy (an Ingress controller) every connection
 * comes from the proxy, so the proxies named in {@code review.trusted.proxies} are believed when
 * they say in {@code X-Forwarded-For} whom they forward: the address is the right-most entry of
 * that header not itself a trusted proxy (each proxy appends the address it was called from, so
 * entries to the left of an untrusted one may be anything its sender wrote). An entry that is
 * not an IP address ends the walk at the hop that passed it. Nothing is looked up by name.
 */
final class ClientAddress {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** A block of addresses: one address, or a CIDR block such as 10.0.0.0/8 or fd00::/8. */
  record Block(byte[] network, int prefix) {

    /**
     * {@code text} as a block: an IPv4 or IPv6 address, with an optional /prefix.
     *
     * @throws IllegalArgumentException with the reason, for anything else
     */
    static Block parse(String text) {
      String trimmed = text.trim();
      int slash = trimmed.indexOf('/');
      String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) {
        throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + text + "' has a prefix outside 0.." + bits);
        }
      }
      return new Block(mask(bytes, prefix), prefix);
    }

    boolean contains(byte[] address) {
      return address.length == network.length
          && java.util.Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
      int bits = address.length * 8;
      BigInteger value = new BigInteger(1, address);
      BigInteger kept = value.shiftRight(bits - prefix).shiftLeft(bits - prefix);
      byte[] raw = kept.toByteArray();
      byte[] out = new byte[address.length];
      int copy = Math.min(raw.length, out.length);
      System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
      return out;
    }
  }

  private final List<Block> trusted;

  ClientAddress(List<Block> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** The blocks of {@code entries}, each an address or CIDR block. */
  static List<Block> blocks(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      blocks.add(Block.parse(entry));
    }
    return blocks;
  }

  /**
   * The client's address for a connection from {@code peer} carrying these {@code
   * X-Forwarded-For} header values (in the order received; none when absent).
   */
  String of(InetAddress peer, List<String> forwardedFor) {
    if (!isTrusted(peer.getAddress()) || forwardedFor == null || forwardedFor.isEmpty()) {
      return peer.getHostAddress();
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    String client = peer.getHostAddress();
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = literal(hops.get(i));
      if (hop == null) {
        return client; // not an address: the hop that passed it is the last we can name
      }
      client = address(hop);
      if (!isTrusted(hop)) {
        return client;
      }
    }
    return client;
  }

  private boolean isTrusted(byte[] address) {
    return trusted.stream().anyMatch(block -> block.contains(address));
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for anything else (no name lookup). */
  private static byte[] literal(String text) {
    String t = text.startsWith("[") && text.endsWith("]")
        ? text.substring(1, text.length() - 1) : text;
    if (IPV4.matcher(t).matches()) {
      // Parsed here: for a dotted string that is no address (999.1.1.1) InetAddress would ask
      // the resolver.
      String[] parts = t.split("\\.");
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int part = Integer.parseInt(parts[i]);
        if (part > 255) {
          return null;
        }
        bytes[i] = (byte) part;
      }
      return bytes;
    }
    if (!IPV6.matcher(t).matches()) {
      return null;
    }
    try {
      // With a colon InetAddress parses an IPv6 literal or fails; it never asks a resolver.
      return InetAddress.getByName(t).getAddress(); // 4 bytes for ::ffff:a.b.c.d

    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // only for a length other than 4 or 16
    }
  }
}
