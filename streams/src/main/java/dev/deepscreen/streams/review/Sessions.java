package dev.deepscreen.streams.review;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, in memory: a restart logs everyone out. A session starts anonymous (for the
 * login form's token) and is replaced by a new one at login, so that an id known before login is
 * worth nothing after it. Each session has a token its forms carry (cross-site requests cannot
 * read it), and each decision form also carries a one-time token naming its event, so that a
 * form cannot be replayed.
 */
final class Sessions {

  /** What a decision form's one-time token turned out to be. */
  enum FormCheck { VALID, UNKNOWN, USED, OTHER_EVENT }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_OPEN_FORMS = 256;
  private static final int MAX_SESSIONS = 10_000;

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final Clock clock;

  Sessions(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
  }

  /** One browser's session. */
  final class Session {
    final String id;
    final String user; // null while anonymous
    final String csrfToken;
    private volatile long lastSeen;
    private final Map<String, String> openForms = new LinkedHashMap<>();
    private final Map<String, String> usedForms = new LinkedHashMap<>();

    private Session(String user) {
      this.id = token();
      this.user = user;
      this.csrfToken = token();
      this.lastSeen = clock.millis();
    }

    boolean loggedIn() {
      return user != null;
    }

    /** A new one-time token for a decision form on {@code eventId}. */
    synchronized String openForm(String eventId) {
      String form = token();
      openForms.put(form, eventId);
      trim(openForms);
      return form;
    }

    /** Checks a decision form's token and, when valid, uses it up. */
    synchronized FormCheck useForm(String form, String eventId) {
      if (form == null) {
        return FormCheck.UNKNOWN;
      }
      if (usedForms.containsKey(form)) {
        return FormCheck.USED;
      }
      String expected = openForms.get(form);
      if (expected == null) {
        return FormCheck.UNKNOWN;
      }
      if (!expected.equals(eventId)) {
        return FormCheck.OTHER_EVENT;
      }
      openForms.remove(form);
      usedForms.put(form, eventId);
      trim(usedForms);
      return FormCheck.VALID;
    }

    /** Gives a used form back when its decision could not be saved, so it can be sent again. */
    synchronized void reopenForm(String form, String eventId) {
      usedForms.remove(form);
      openForms.put(form, eventId);
    }

    private void trim(Map<String, String> forms) {
      Iterator<String> oldest = forms.keySet().iterator();
      while (forms.size() > MAX_OPEN_FORMS && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
  }

  Session anonymous() {
    return add(new Session(null));
  }

  /** Ends {@code previous} and starts a logged-in session for {@code user}. */
  Session login(Session previous, String user) {
    if (previous != null) {
      sessions.remove(previous.id);
    }
    return add(new Session(user));
  }

  void logout(Session session) {
    sessions.remove(session.id);
  }

  /** The live session with this id, its idle time reset. */
  Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    if (now - session.lastSeen > timeout.toMillis()) {
      sessions.remove(id);
      return Optional.empty();
    }
    session.lastSeen = now;
    return Optional.of(session);
  }

  private Session add(Session session) {
    if (sessions.size() >= MAX_SESSIONS) {
      long now = clock.millis();
      sessions.values().removeIf(s -> now - s.lastSeen > timeout.toMillis() || !s.loggedIn());
    }
    sessions.put(session.id, session);
    return session;
  }

  static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
