package dev.deepscreen.streams.review;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading requests and writing answers, with the headers every answer carries. */
final class HttpExchanges {
  private HttpExchanges() {}

  static final String COOKIE = "deepscreen_review";
  private static final int MAX_FORM_BYTES = 64 * 1024;

  /** A request the server refuses, with the status and the message for the page. */
  static final class Refusal extends Exception {
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** The decoded fields of a query string or a url-encoded form, each name's values in order. */
  static Map<String, List<String>> fields(String encoded) throws Refusal {
    Map<String, List<String>> fields = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
            StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
            StandardCharsets.UTF_8);
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw new Refusal(400, "The request's fields are not validly encoded");
      }
    }
    return fields;
  }

  static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** A url-encoded form body, at most 64 KiB. */
  static Map<String, List<String>> form(HttpExchange exchange) throws IOException, Refusal {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT)
        .startsWith("application/x-www-form-urlencoded")) {
      throw new Refusal(415, "Forms are sent as application/x-www-form-urlencoded");
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
      if (body.length > MAX_FORM_BYTES) {
        throw new Refusal(413, "The form is larger than " + MAX_FORM_BYTES + " bytes");
      }
      return fields(new String(body, StandardCharsets.UTF_8));
    }
  }

  static Optional<String> cookie(HttpExchange exchange) {
    for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String part : header.split(";")) {
        String trimmed = part.trim();
        if (trimmed.startsWith(COOKIE + "=")) {
          return Optional.of(trimmed.substring(COOKIE.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  static void setCookie(HttpExchange exchange, String id, boolean secure) {
    exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + id
        + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
  }

  static void clearCookie(HttpExchange exchange, boolean secure) {
    exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly;"
        + " SameSite=Strict" + (secure ? "; Secure" : ""));
  }

  static void html(HttpExchange exchange, int status, String nonce, String page)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none';"
        + " img-src 'self'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce
        + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    send(exchange, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on forms.
    exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    send(exchange, 303, "text/plain; charset=utf-8", new byte[0]);
  }
}
