package dev.deepscreen.streams.review;

import static dev.deepscreen.streams.review.HttpExchanges.first;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.ReviewAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.streams.review.EvidenceReader.Evidence;
import dev.deepscreen.streams.review.FrameRenderer.RenderedCase;
import dev.deepscreen.streams.review.FrameRenderer.RenderedFrame;
import dev.deepscreen.streams.review.HttpExchanges.Refusal;
import dev.deepscreen.streams.review.Sessions.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review web application on the JDK's HTTP server: login, the queue, case pages, rendered
 * frames and decisions. Every page but the login needs a session; every form carries the
 * session's token, and a decision form also a one-time token, so that neither a cross-site
 * request nor a replayed form is accepted.
 */
public final class ReviewServer implements AutoCloseable {

  /** The path that answers "ok" without a session, for probes and health checks. */
  public static final String HEALTH_PATH = "/health";

  /** Longest note kept with a decision, characters. */
  static final int MAX_NOTE_CHARS = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(ReviewServer.class);
  private static final Pattern CASE = Pattern.compile("/cases/([^/]+)");
  private static final Pattern FRAME = Pattern.compile("/cases/([^/]+)/frames/(\\d{1,6})\\.jpg");
  private static final Pattern DECISION = Pattern.compile("/cases/([^/]+)/decision");

  /** Writes a decision to the cluster, waiting for its acknowledgement. */
  @FunctionalInterface
  interface DecisionSink {
    void write(ReviewDecision decision) throws ExecutionException, TimeoutException,
        InterruptedException;
  }

  private final ReviewConfig config;
  private final CaseIndex index;
  private final TopicFollower follower;
  private final EvidenceReader evidence;
  private final RenderedCases rendered;
  private final DecisionSink sink;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final ClientAddress clientAddress;
  private final Clock clock;
  private final HttpServer http;
  private final ExecutorService workers;

  ReviewServer(ReviewConfig config, CaseIndex index, TopicFollower follower,
      EvidenceReader evidence, RenderedCases rendered, DecisionSink sink, Clock clock)
      throws IOException {
    this.config = config;
    this.index = index;
    this.follower = follower;
    this.evidence = evidence;
    this.rendered = rendered;
    this.sink = sink;
    this.clock = clock;
    this.sessions = new Sessions(config.sessionTimeout(), clock);
    this.clientAddress = config.clientAddress();
    this.throttle = new LoginThrottle(config.loginMaxFailures(), config.loginFailureWindow(),
        clock);
    this.http = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
    this.workers = Executors.newFixedThreadPool(8, r -> {
      Thread thread = new Thread(r, "review-http");
      thread.setDaemon(true);
      return thread;
    });
    http.setExecutor(workers);
    http.createContext("/", this::handle);
  }

  void start() {
    follower.start();
    http.start();
  }

  /** Where the server listens, such as {@code http://127.0.0.1:8090/}. */
  public URI uri() {
    InetSocketAddress address = http.getAddress();
    String host = address.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + address.getPort() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    String nonce = Sessions.token();
    Session session = null;
    try {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.equals(HEALTH_PATH)) {
        HttpExchanges.send(exchange, 200, "text/plain; charset=utf-8", "ok\n".getBytes());
        return;
      }
      session = HttpExchanges.cookie(exchange).flatMap(sessions::find).orElse(null);
      if (!method.equals("GET") && !method.equals("POST")) {
        throw new Refusal(405, "Only GET and POST are served");
      }
      if (method.equals("POST")) {
        checkOrigin(exchange);
      }
      if (path.equals("/login")) {
        login(exchange, nonce, session);
        return;
      }
      if (session == null || !session.loggedIn()) {
        if (method.equals("POST")) {
          throw new Refusal(403, "Your session has ended; log in again");
        }
        HttpExchanges.redirect(exchange, "/login");
        return;
      }
      route(exchange, nonce, session, path, method);
    } catch (Refusal refusal) {
      String user = session != null && session.loggedIn() ? session.user : null;
      HttpExchanges.html(exchange, refusal.status, nonce, Pages.message(nonce, user,
          session == null ? "" : session.csrfToken, "Cannot do that", refusal.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("Failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(),
          e);
      HttpExchanges.html(exchange, 500, nonce, Pages.message(nonce, null, "", "Server error",
          "The server failed to answer; the log says why."));
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange, String nonce, Session session, String path,
      String method) throws IOException, Refusal {
    Matcher m;
    if (method.equals("GET") && (path.equals("/") || path.equals("/queue"))) {
      queue(exchange, nonce, session);
    } else if (method.equals("POST") && path.equals("/logout")) {
      checkCsrf(session, HttpExchanges.form(exchange));
      sessions.logout(session);
      HttpExchanges.clearCookie(exchange, config.cookieSecure());
      HttpExchanges.redirect(exchange, "/login");
    } else if (method.equals("GET") && (m = FRAME.matcher(path)).matches()) {
      frame(exchange, verdict(m.group(1)), Integer.parseInt(m.group(2)));
    } else if (method.equals("POST") && (m = DECISION.matcher(path)).matches()) {
      decide(exchange, session, m.group(1));
    } else if (method.equals("GET") && (m = CASE.matcher(path)).matches()) {
      Verdict verdict = verdict(m.group(1));
      String eventId = verdict.getEventId().toString();
      CompletableFuture<RenderedCase> rendering = rendered.get(verdict); // decodes meanwhile
      Evidence found = evidence.read(verdict);
      Set<Integer> shown = rendered.shownFrames(verdict);
      List<CasePage.FrameView> frames = found.summary() != null
          ? CasePage.frames(verdict, shown, found.faceScores(), found.summary(),
              rendered.cropMargin())
          : framesSizedByDecoding(verdict, shown, found.faceScores(), rendering);
      CasePage.Model model = new CasePage.Model(verdict, index.decision(eventId).orElse(null),
          found.summary(), frames, found.notes(), session.openForm(eventId));
      HttpExchanges.html(exchange, 200, nonce, CasePage.render(nonce, session.user,
          session.csrfToken, model));
    } else {
      throw new Refusal(404, "No such page");
    }
  }

  private void login(HttpExchange exchange, String nonce, Session session)
      throws IOException, Refusal {
    if (exchange.getRequestMethod().equals("GET")) {
      if (session != null && session.loggedIn()) {
        HttpExchanges.redirect(exchange, "/queue");
        return;
      }
      Session anonymous = session != null ? session : sessions.anonymous();
      HttpExchanges.setCookie(exchange, anonymous.id, config.cookieSecure());
      HttpExchanges.html(exchange, 200, nonce, Pages.login(nonce, anonymous.csrfToken, null));
      return;
    }
    Map<String, List<String>> form = HttpExchanges.form(exchange);
    if (session == null) {
      throw new Refusal(403, "The login form has expired or did not come from this server;"
          + " open the login page again");
    }
    checkCsrf(session, form);
    String user = first(form, "user");
    String password = first(form, "password");
    String address = clientAddress.of(exchange.getRemoteAddress().getAddress(),
        exchange.getRequestHeaders().get("X-Forwarded-For"));
    LoginThrottle.Attempt attempt = throttle.begin(user, address);
    if (!attempt.allowed()) {
      Duration wait = attempt.retryAfter().orElseThrow();
      exchange.getResponseHeaders().set("Retry-After",
          String.valueOf((wait.toMillis() + 999) / 1000));
      HttpExchanges.html(exchange, 429, nonce, Pages.login(nonce, session.csrfToken,
          Pages.tooManyFailedLogins(wait)));
      return;
    }
    Optional<String> reviewer = password == null ? Optional.empty()
        : config.reviewers().authenticate(user, password.toCharArray());
    if (reviewer.isEmpty()) {
      LOG.warn("Failed login from {}", address);
      if (throttle.locked(attempt)) {
        LOG.warn("{} failed logins from {} or for the name tried: further ones are refused"
            + " for up to {} min", config.loginMaxFailures(), address,
            config.loginFailureWindow().toMinutes());
      }
      HttpExchanges.html(exchange, 401, nonce, Pages.login(nonce, session.csrfToken,
          "Unknown reviewer or wrong password"));
      return;
    }
    throttle.succeeded(attempt);
    Session loggedIn = sessions.login(session, reviewer.get());
    HttpExchanges.setCookie(exchange, loggedIn.id, config.cookieSecure());
    HttpExchanges.redirect(exchange, "/queue");
  }

  private void queue(HttpExchange exchange, String nonce, Session session)
      throws IOException, Refusal {
    Map<String, List<String>> query = HttpExchanges.fields(exchange.getRequestURI().getRawQuery());
    String tab = Optional.ofNullable(first(query, "action")).orElse("REVIEW")
        .toUpperCase(Locale.ROOT);
    ModerationAction action;
    if (tab.equals("DECIDED")) {
      action = null;
    } else {
      try {
        action = ModerationAction.valueOf(tab);
      } catch (IllegalArgumentException e) {
        throw new Refusal(400, "The queue lists REVIEW, BLOCK, ALLOW or DECIDED cases");
      }
    }
    String search = first(query, "q");
    if (search != null && search.length() > 200) {
      throw new Refusal(400, "Search for at most 200 characters");
    }
    RuntimeException failure = follower.failure();
    HttpExchanges.html(exchange, 200, nonce, Pages.queue(nonce, session.user, session.csrfToken,
        index.counts(), action, search, index.queue(action, search, config.queuePageSize()),
        follower.caughtUp(), failure == null ? null : failure.getMessage()));
  }

  private Verdict verdict(String rawId) throws Refusal {
    String id;
    try {
      id = UUID.fromString(java.net.URLDecoder.decode(rawId,
          java.nio.charset.StandardCharsets.UTF_8)).toString();
    } catch (IllegalArgumentException e) {
      throw new Refusal(404, "Not a case: a case is named by its event id, a UUID");
    }
    return index.verdict(id).orElseThrow(() -> new Refusal(404, "No verdict for event " + id
        + (follower.caughtUp() ? "" : " yet: the server is still reading the verdicts")));
  }

  /**
   * The shown frames when the extraction summary, which gives the frames' size, is gone: the
   * size comes from decoding the video, if that answers in time; otherwise the frames are shown
   * without their overlays (the frame requests will say what went wrong).
   */
  private List<CasePage.FrameView> framesSizedByDecoding(Verdict verdict, Set<Integer> shown,
      List<FaceScore> scores, CompletableFuture<RenderedCase> rendering) {
    int width = 0;
    int height = 0;
    try {
      RenderedCase decoded = rendering.get(config.sendTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
      RenderedFrame any = decoded.frames().values().stream().findFirst().orElse(null);
      if (any != null) {
        width = any.width();
        height = any.height();
      }
    } catch (ExecutionException | CompletionException | TimeoutException e) {
      // no size: no overlay
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CasePage.frames(verdict, shown, scores, width, height, rendered.cropMargin());
  }

  private void frame(HttpExchange exchange, Verdict verdict, int frameIndex)
      throws IOException, Refusal {
    if (!rendered.shownFrames(verdict).contains(frameIndex)) {
      throw new Refusal(404, "Frame " + frameIndex + " is not among this case's suspicious"
          + " frames");
    }
    RenderedCase rendering;
    try {
      rendering = rendered.get(verdict).get(config.sendTimeout().toMillis() * 4,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof VideoException video) {
        int status = video.kind() == VideoException.Kind.REJECTED ? 403
            : video.kind() == VideoException.Kind.TIMED_OUT ? 504 : 410;
        throw new Refusal(status, "The video cannot be shown: " + video.getMessage());
      }
      throw new IllegalStateException("Rendering failed", e.getCause());
    } catch (TimeoutException e) {
      throw new Refusal(504, "Rendering the video's frames takes too long; try again later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refusal(503, "The server is stopping");
    }
    RenderedFrame frame = rendering.frames().get(frameIndex);
    if (frame == null) {
      throw new Refusal(410, "Frame " + frameIndex + " is no longer in the video");
    }
    HttpExchanges.send(exchange, 200, "image/jpeg", frame.jpeg());
  }

  private void decide(HttpExchange exchange, Session session, String rawId)
      throws IOException, Refusal {
    Map<String, List<String>> form = HttpExchanges.form(exchange);
    checkCsrf(session, form);
    Verdict verdict = verdict(rawId);
    String eventId = verdict.getEventId().toString();
    ReviewAction decision = decision(form);
    String note = note(first(form, "note"));
    String formToken = first(form, "form");
    switch (session.useForm(formToken, eventId)) {
      case USED -> throw new Refusal(409, "This form was already sent: a decision is made once"
          + " per form. Open the case again to decide anew.");
      case UNKNOWN -> throw new Refusal(403, "This form did not come from this session; open the"
          + " case again");
      case OTHER_EVENT -> throw new Refusal(403, "This form belongs to another case");
      case VALID -> { }
      default -> throw new IllegalStateException();
    }
    ReviewDecision record = ReviewDecision.newBuilder().setDecisionId(UUID.randomUUID())
        .setEventId(verdict.getEventId()).setVideoId(verdict.getVideoId())
        .setUri(verdict.getUri()).setDecision(decision).setNote(note)
        .setReviewer(session.user).setDecidedAt(clock.instant())
        .setVerdictAction(verdict.getAction()).setVerdictProbability(verdict.getProbability())
        .setVerdictDecidedAt(verdict.getDecidedAt())
        .setEnsembleVersion(verdict.getEnsembleVersion()).build();
    try {
      sink.write(record);
    } catch (ExecutionException | TimeoutException e) {
      session.reopenForm(formToken, eventId);
      LOG.error("Cannot write the decision on {}", eventId, e);
      throw new Refusal(503, "The decision was not saved: the cluster did not acknowledge it ("
          + (e.getCause() == null ? e : e.getCause()).getMessage() + "). Send it again.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refusal(503, "The server is stopping; the decision was not saved");
    }
    index.decision(eventId, record);
    LOG.info("{} decided {} on event {}", session.user, decision, eventId);
    HttpExchanges.redirect(exchange, "/queue?action=" + verdict.getAction());
  }

  private static ReviewAction decision(Map<String, List<String>> form) throws Refusal {
    List<String> chosen = form.getOrDefault("decision", List.of()).stream()
        .filter(s -> !s.isEmpty()).distinct().toList();
    if (chosen.size() != 1) {
      throw new Refusal(400, "Choose one decision: ALLOW, BLOCK or ESCALATE");
    }
    try {
      return ReviewAction.valueOf(chosen.get(0));
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "Choose one decision: ALLOW, BLOCK or ESCALATE");
    }
  }

  /** The note without control characters other than line breaks and tabs; null when blank. */
  static String note(String note) throws Refusal {
    if (note == null || note.isBlank()) {
      return null;
    }
    if (note.length() > MAX_NOTE_CHARS) {
      throw new Refusal(400, "A note has at most " + MAX_NOTE_CHARS + " characters");
    }
    return note.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "").strip();
  }

  private static void checkCsrf(Session session, Map<String, List<String>> form)
      throws Refusal {
    String token = first(form, "csrf");
    if (token == null || !java.security.MessageDigest.isEqual(
        token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        session.csrfToken.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      throw new Refusal(403, "This form did not come from this session (its token is missing"
          + " or wrong); open the page again");
    }
  }

  /** A browser names the page a form came from; one from another site is refused. */
  private static void checkOrigin(HttpExchange exchange) throws Refusal {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (origin == null) {
      return; // no browser sends a cross-site form without one; the tokens still decide
    }
    URI from;
    try {
      from = URI.create(origin);
    } catch (IllegalArgumentException e) {
      throw new Refusal(403, "The request's Origin is not a URL");
    }
    String authority = from.getAuthority();
    if (authority == null || !authority.equalsIgnoreCase(host)) {
      throw new Refusal(403, "Forms are accepted from this server's own pages only");
    }
  }

  @Override
  public void close() {
    http.stop(1);
    workers.shutdownNow();
    follower.close();
    rendered.close();
  }
}
