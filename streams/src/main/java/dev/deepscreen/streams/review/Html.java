package dev.deepscreen.streams.review;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Escaping for everything a page shows: every value from a record, a form or a URL goes through
 * {@link #text} (element content and quoted attribute values) or {@link #url} (a path or query
 * part), never into a page as it is.
 */
final class Html {
  private Html() {}

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** {@code value} safe in element content and in a double- or single-quoted attribute. */
  static String text(Object value) {
    String s = String.valueOf(value);
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '`' -> out.append("&#96;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append('\uFFFD'); // control characters are not shown
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code value} as one part of a URL path or query. */
  static String url(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String time(Instant instant) {
    return instant == null ? "-" : TIME.format(instant);
  }

  static String probability(double p) {
    return String.format(Locale.ROOT, "%.3f", p);
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
  }
}
