package dev.deepscreen.streams.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.AggregationStrategy;
import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Heatmap;
import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.ModelResult;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.ReviewAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.StageTimings;
import dev.deepscreen.avro.StrategyBranch;
import dev.deepscreen.avro.TrackResult;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.ExtractedFace;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.cli.CliRun;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.streams.extract.ExtractConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review server against the in-process broker, driven by a headless Chromium: a reviewer
 * logs in, opens the queue and a case whose frames are rendered from a real clip with the faces
 * outlined, decides with a key, and exactly one decision lands on review-decisions; forged and
 * replayed forms, unknown events, URIs outside the allowed roots, a video that is gone and an
 * unreadable verdict get a 4xx or a dead letter, and the server goes on.
 */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewServerIT {

  private static final String SCOPE = "review-it-" + UUID.randomUUID();
  private static final String PASSWORD = "correct horse battery";
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int GRID = 6;

  @TempDir
  static Path dir;

  private static InProcessKafkaCluster kafka;
  private static SchemaRegistryClient registry;
  private static ReviewApp app;
  private static ChromeDriver browser;
  private static Path videos;
  private static Verdict reviewed;
  private static List<ExtractedFace> faces;
  private static Map<String, String> settings;

  @BeforeAll
  static void start() throws Exception {
    kafka = InProcessKafkaCluster.start();
    Map<String, String> env = Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://" + SCOPE);
    CliRun topics = CliRun.run(env, "topics", "create");
    assertThat(topics.exitCode()).as(topics.err()).isZero();
    assertThat(topics.out()).contains("created review-decisions (6 partitions)");
    registry = SchemaRegistries.connect(Map.of("schema.registry.url", "mock://" + SCOPE));

    videos = Files.createDirectories(dir.resolve("videos"));
    Path clip = SampleClips.panningClip(videos.resolve("group.mp4"), "sample5.jpg",
        Codec.H264_MP4, 640, 360, 48, 24, 0);
    settings = new HashMap<>(Map.of(
        "bootstrap.servers", kafka.bootstrapServers(),
        "schema.registry.url", "mock://" + SCOPE,
        ExtractConfig.FILE_ROOTS_CONFIG, videos.toString(),
        ReviewConfig.PORT_CONFIG, "0",
        ReviewConfig.USERS_CONFIG, "ada:" + PasswordHash.of(PASSWORD.toCharArray(), 20_000)));
    // What the extraction stage found in the clip, with its own settings and code.
    try (FaceExtractor extractor = new ExtractConfig(settings).faceExtractor()) {
      faces = extractor.extract(clip).faces();
    }
    assertThat(faces).hasSizeGreaterThan(10);
    reviewed = verdict("clip-<b>one</b>", clip.toUri().toString(), ModerationAction.REVIEW,
        Instant.parse("2026-11-20T10:00:00Z"));
    Files.copy(clip, videos.resolve("gone.mp4"));
    Verdict gone = verdict("gone", videos.resolve("gone.mp4").toUri().toString(),
        ModerationAction.REVIEW, Instant.parse("2026-11-20T11:00:00Z"));
    Verdict outside = verdict("outside", "file:///etc/passwd", ModerationAction.REVIEW,
        Instant.parse("2026-11-20T12:00:00Z"));
    Verdict blocked = verdict("blocked", clip.toUri().toString(), ModerationAction.BLOCK,
        Instant.parse("2026-11-20T09:00:00Z"));
    produce(Topics.VERDICTS, List.of(reviewed, gone, outside, blocked));
    produce(Topics.FACE_SCORES, faces.stream().map(f -> faceScore(reviewed, f)).toList());
    produce(Topics.EXTRACTION_SUMMARIES, List.of(summary(reviewed)));
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerProps(),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.VERDICTS.name(), UUID.randomUUID().toString(),
          new byte[] {0, 0, 0, 0, 99, 1, 2})).get();
    }
    Files.delete(videos.resolve("gone.mp4"));

    app = ReviewApp.start(settings);
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-dev-shm-usage",
            "--window-size=1280,2400");
    browser = new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
    browser.manage().timeouts().pageLoadTimeout(DEADLINE);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (app != null) {
      app.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aReviewerDecidesACaseWithAKeyAndExactlyOneDecisionIsWritten() throws Exception {
    URI base = app.uri();
    assertThat(base.getHost()).isEqualTo("127.0.0.1");
    browser.get(base.resolve("/queue").toString());
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    WebDriverWait wait = new WebDriverWait(browser, DEADLINE);
    login("ada", "wrong password");
    assertThat(browser.findElements(By.id("error"))).as(browser.getPageSource()).hasSize(1);
    assertThat(browser.findElement(By.id("error")).getText())
        .isEqualTo("Unknown reviewer or wrong password");
    login("ada", PASSWORD);
    wait.until(ExpectedConditions.urlContains("/queue"));
    // The queue fills as the server reads the topics: the three REVIEW cases, oldest first.
    wait.until(d -> {
      d.navigate().refresh();
      return d.findElement(By.id("tab-REVIEW")).getText().equals("REVIEW (3)");
    });
    assertThat(browser.findElement(By.id("tab-BLOCK")).getText()).isEqualTo("BLOCK (1)");
    assertThat(browser.findElements(By.cssSelector("#cases a.case")))
        .extracting(WebElement::getText).containsExactly("clip-<b>one</b>", "gone", "outside");
    assertThat(browser.findElement(By.id("reviewer")).getText()).isEqualTo("ada");

    browser.findElement(By.linkText("clip-<b>one</b>")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("decide")));
    assertThat(browser.findElement(By.id("video")).getText()).isEqualTo("clip-<b>one</b>");
    assertThat(browser.findElements(By.cssSelector("#models tr"))).hasSize(3);
    assertThat(browser.findElement(By.id("models")).getText()).contains("CONFIDENT_FAKE");
    assertThat(browser.findElement(By.id("facts")).getText()).contains("640x360");
    assertThat(browser.findElements(By.cssSelector("#timeline circle.point")))
        .hasSize(reviewed.getTimeline().size());
    List<WebElement> images = browser.findElements(By.cssSelector("img.frame-image"));
    assertThat(images).hasSize(reviewed.getTopFrames().size());
    wait.until(d -> images.stream().allMatch(img -> (Boolean) ((JavascriptExecutor) d)
        .executeScript("return arguments[0].complete && arguments[0].naturalWidth === 640;",
            img)));
    // Every shown frame has its faces over it, as the records have them: a grid per face
    // (hottest top-left) and an outline at each face's box.
    List<WebElement> overlays = browser.findElements(By.cssSelector("svg.overlay"));
    assertThat(overlays).hasSize(images.size());
    List<WebElement> heatmaps = browser.findElements(By.cssSelector("svg.overlay g.heatmap"));
    assertThat(heatmaps).hasSize(images.size());
    for (WebElement overlay : overlays) {
      int frameIndex = Integer.parseInt(overlay.findElement(By.xpath("ancestor::figure"))
          .getAttribute("data-frame"));
      List<ExtractedFace> inFrame = faces.stream().filter(f -> f.frameIndex() == frameIndex)
          .toList();
      List<WebElement> cells = overlay.findElements(By.cssSelector("g.heatmap rect.cell"));
      assertThat(cells).hasSize(inFrame.size() * GRID * GRID);
      assertThat(cells.get(0).getAttribute("fill-opacity")).isEqualTo("1.00");
      assertThat(cells.get(GRID * GRID - 1).getAttribute("fill-opacity")).isEqualTo("0.00");
      assertThat(overlay.findElements(By.cssSelector("rect.face")))
          .extracting(r -> r.getAttribute("data-face") + "@" + r.getAttribute("x") + ","
              + r.getAttribute("y") + " " + r.getAttribute("width") + "x"
              + r.getAttribute("height"))
          .containsExactlyInAnyOrderElementsOf(inFrame.stream().map(f -> f.faceIndex() + "@"
              + f.box().x() + "," + f.box().y() + " " + f.box().width() + "x"
              + f.box().height()).toList());
    }
    assertThat(heatmaps).allSatisfy(h -> assertThat(h.getAttribute("opacity")).isEqualTo("0.5"));
    // The slider sets every grid's opacity; a shortcut still works with it focused.
    WebElement slider = browser.findElement(By.id("heatmap-opacity"));
    slider.sendKeys(Keys.HOME);
    assertThat(heatmaps).allSatisfy(h -> assertThat(h.getAttribute("opacity")).isEqualTo("0"));
    // With the grids clear, the browser shows each face's outline in red on its frame.
    for (WebElement image : images) {
      int frameIndex = Integer.parseInt(image.findElement(By.xpath("ancestor::figure"))
          .getAttribute("data-frame"));
      WebElement shown = image.findElement(By.xpath(".."));
      BufferedImage shot = ImageIO.read(new ByteArrayInputStream(
          shown.getScreenshotAs(OutputType.BYTES)));
      double scale = shot.getWidth() / 640.0;
      for (ExtractedFace face : faces) {
        if (face.frameIndex() == frameIndex) {
          assertThat(redAlongTopEdge(shot, face, scale))
              .as("face %d of frame %d outlined", face.faceIndex(), frameIndex)
              .isGreaterThan(0.8);
        }
      }
    }
    slider.sendKeys(Keys.END);
    assertThat(heatmaps).allSatisfy(h -> assertThat(h.getAttribute("opacity")).isEqualTo("1"));
    for (int i = 0; i < 4; i++) {
      slider.sendKeys(Keys.ARROW_LEFT);
    }
    assertThat(slider.getAttribute("value")).isEqualTo("96");
    ((JavascriptExecutor) browser).executeScript("arguments[0].value=60;"
        + "arguments[0].dispatchEvent(new Event('input'));", slider);
    assertThat(heatmaps).allSatisfy(h -> assertThat(h.getAttribute("opacity"))
        .isEqualTo("0.6"));
    Files.write(Path.of("target", "review-case.png"),
        browser.getScreenshotAs(OutputType.BYTES));

    // The frame as served: the decoded frame itself, the overlay is the page's.
    FrameScore top = reviewed.getTopFrames().get(0);
    HttpResponse<byte[]> frame = get("/cases/" + reviewed.getEventId() + "/frames/"
        + top.getFrameIndex() + ".jpg");
    assertThat(frame.statusCode()).isEqualTo(200);
    assertThat(frame.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.body()));
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(360);
    for (ExtractedFace face : faces) {
      if (face.frameIndex() == top.getFrameIndex()) {
        assertThat(redAlongTopEdge(image, face, 1.0)).as("face %d not drawn into the frame",
            face.faceIndex()).isLessThan(0.5);
      }
    }

    // The form as the page holds it, to replay it after deciding.
    Map<String, String> form = new LinkedHashMap<>();
    for (WebElement hidden : browser.findElements(By.cssSelector("#decide input[type=hidden]"))) {
      form.put(hidden.getAttribute("name"), hidden.getAttribute("value"));
    }
    form.put("decision", "BLOCK");
    slider.click();
    new Actions(browser).sendKeys("b").perform();
    wait.until(ExpectedConditions.urlContains("/queue?action=REVIEW"));
    assertThat(browser.findElement(By.id("tab-REVIEW")).getText()).isEqualTo("REVIEW (2)");
    assertThat(browser.findElement(By.id("tab-Decided")).getText()).isEqualTo("Decided (1)");
    assertThat(browser.findElements(By.linkText("clip-<b>one</b>"))).isEmpty();

    try (CommittedTopicReader<ReviewDecision> decisions = new CommittedTopicReader<>(
        kafka.bootstrapServers(), Topics.REVIEW_DECISIONS, registry, DEADLINE)) {
      decisions.awaitUntil(records -> !records.isEmpty());
      // A replayed form, a forged one, another session's token and an unknown event.
      assertThat(post("/cases/" + reviewed.getEventId() + "/decision", form).statusCode())
          .isEqualTo(409);
      Map<String, String> forged = new LinkedHashMap<>(form);
      forged.put("csrf", "forged");
      assertThat(post("/cases/" + reviewed.getEventId() + "/decision", forged).statusCode())
          .isEqualTo(403);
      Map<String, String> newForm = new LinkedHashMap<>(form);
      newForm.put("form", "made-up");
      assertThat(post("/cases/" + reviewed.getEventId() + "/decision", newForm).statusCode())
          .isEqualTo(403);
      HttpResponse<byte[]> unknown = post("/cases/" + UUID.randomUUID() + "/decision", form);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("No verdict for");
      HttpResponse<byte[]> crossSite = post("/cases/" + reviewed.getEventId() + "/decision",
          form, "https://evil.example");
      assertThat(crossSite.statusCode()).isEqualTo(403);
      decisions.readToEnd();

      assertThat(decisions.records()).hasSize(1);
      ReviewDecision decision = decisions.records().get(0).value();
      assertThat(decisions.records().get(0).key()).isEqualTo(reviewed.getEventId().toString());
      assertThat(decision.getDecision()).isEqualTo(ReviewAction.BLOCK);
      assertThat(decision.getReviewer()).isEqualTo("ada");
      assertThat(decision.getNote()).isNull();
      assertThat(decision.getUri()).isEqualTo(reviewed.getUri());
      assertThat(decision.getVerdictAction()).isEqualTo(ModerationAction.REVIEW);
      assertThat(decision.getVerdictDecidedAt()).isEqualTo(reviewed.getDecidedAt());
    }
  }

  @Test
  void badVideosAndRecordsGetAClearAnswerAndTheServerGoesOn() throws Exception {
    loginOverHttp();
    Verdict outside = waitForVerdict("outside");
    HttpResponse<byte[]> refused = get("/cases/" + outside.getEventId() + "/frames/"
        + outside.getTopFrames().get(0).getFrameIndex() + ".jpg");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8))
        .contains("outside the folders videos may be read from");

    Verdict gone = waitForVerdict("gone");
    HttpResponse<byte[]> missing = get("/cases/" + gone.getEventId() + "/frames/"
        + gone.getTopFrames().get(0).getFrameIndex() + ".jpg");
    assertThat(missing.statusCode()).isEqualTo(410);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("No such file");

    HttpResponse<byte[]> page = get("/cases/" + gone.getEventId());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(new String(page.body(), StandardCharsets.UTF_8))
        .contains("The extraction summary is no longer in extraction-summaries");
    assertThat(get("/cases/not-a-uuid").statusCode()).isEqualTo(404);

    try (CommittedTopicReader<DeadLetter> letters = new CommittedTopicReader<>(
        kafka.bootstrapServers(), Topics.DEAD_LETTERS, registry, DEADLINE)) {
      letters.awaitUntil(records -> records.stream().anyMatch(
          r -> r.value().getStage() == Stage.REVIEW));
      DeadLetter letter = letters.records().stream().map(r -> r.value())
          .filter(l -> l.getStage() == Stage.REVIEW).findFirst().orElseThrow();
      assertThat(letter.getTopic()).isEqualTo(Topics.VERDICTS.name());
      assertThat(letter.getApplicationId()).isEqualTo("deepscreen-review");
    }
    assertThat(get("/queue").statusCode()).isEqualTo(200);
  }

  @Test
  void afterTooManyFailedLoginsEvenTheRightPasswordIsRefusedWith429() throws Exception {
    Map<String, String> throttled = new HashMap<>(settings);
    throttled.put(ReviewConfig.LOGIN_MAX_FAILURES_CONFIG, "3");
    try (ReviewApp other = ReviewApp.start(throttled)) {
      LoginForm form = LoginForm.open(other.uri());
      String anonymous = form.cookie();
      String csrf = form.csrf();
      for (int i = 0; i < 3; i++) {
        assertThat(postLogin(other.uri(), anonymous, csrf, "ada", "wrong " + i).statusCode())
            .isEqualTo(401);
      }

      HttpResponse<String> refused = postLogin(other.uri(), anonymous, csrf, "ada", "wrong 3");
      HttpResponse<String> right = postLogin(other.uri(), anonymous, csrf, "ada", PASSWORD);

      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body())
          .containsPattern("Too many failed logins; try again in \\d+ minutes?<");
      assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
          .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 900L));
      assertThat(right.statusCode()).isEqualTo(429);
      assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
      // Another name from the same address is refused as well.
      assertThat(postLogin(other.uri(), anonymous, csrf, "bob", "x").statusCode())
          .isEqualTo(429);
    }
    // Behind a trusted proxy, the address limit is the forwarded client's, not the proxy's.
    throttled.put(ReviewConfig.TRUSTED_PROXIES_CONFIG, "127.0.0.1");
    try (ReviewApp other = ReviewApp.start(throttled)) {
      LoginForm form = LoginForm.open(other.uri());
      String anonymous = form.cookie();
      String csrf = form.csrf();
      for (int i = 0; i < 3; i++) {
        assertThat(postLogin(other.uri(), anonymous, csrf, "mallory", "guess " + i,
            "203.0.113.66").statusCode()).isEqualTo(401);
      }
      assertThat(postLogin(other.uri(), anonymous, csrf, "eve", "guess", "203.0.113.66")
          .statusCode()).isEqualTo(429);
      assertThat(postLogin(other.uri(), anonymous, csrf, "ada", PASSWORD, "203.0.113.7")
          .statusCode()).isEqualTo(303);
    }
    // The health check answers without a session and says nothing more.
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        app.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
  }

  // --- helpers ---

  private static HttpResponse<String> postLogin(URI base, String cookie, String csrf,
      String user, String password) throws Exception {
    return postLogin(base, cookie, csrf, user, password, null);
  }

  /** A login as a proxy forwards it for {@code forwardedFor}, when not null. */
  private static HttpResponse<String> postLogin(URI base, String cookie, String csrf,
      String user, String password, String forwardedFor) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/login"))
        .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("csrf", csrf, "user", user,
            "password", password))));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie;

  private void login(String user, String password) {
    browser.get(app.uri().resolve("/login").toString());
    browser.findElement(By.id("user")).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(password);
    WebElement button = browser.findElement(By.id("login"));
    button.click();
    // The click returns before the answer arrives: wait until the login page is replaced, so
    // the next look at the page sees the server's answer and not the form it posted.
    new WebDriverWait(browser, DEADLINE).until(ExpectedConditions.stalenessOf(button));
  }

  /** A session of the test's own HTTP client, logged in through the login form. */
  /** The login page's anonymous session cookie and form token, as a browser gets them. */
  private record LoginForm(String cookie, String csrf) {
    static LoginForm open(URI base) throws Exception {
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          base.resolve("/login")).build(), HttpResponse.BodyHandlers.ofString());
      return new LoginForm(page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0],
          page.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1"));
    }
  }

  private void loginOverHttp() throws Exception {
    LoginForm form = LoginForm.open(app.uri());
    String anonymous = form.cookie();
    HttpResponse<String> login = postLogin(app.uri(), anonymous, form.csrf(), "ada", PASSWORD);
    assertThat(login.statusCode()).isEqualTo(303);
    cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    assertThat(cookie).isNotEqualTo(anonymous);
  }

  private static String sessionCookie() {
    if (browser != null && browser.manage().getCookieNamed(HttpExchanges.COOKIE) != null
        && cookie == null) {
      Cookie c = browser.manage().getCookieNamed(HttpExchanges.COOKIE);
      return c.getName() + "=" + c.getValue();
    }
    return cookie;
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.uri().resolve(path))
        .header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String path, Map<String, String> fields)
      throws Exception {
    return post(path, fields, null);
  }

  private static HttpResponse<byte[]> post(String path, Map<String, String> fields,
      String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(app.uri().resolve(path))
        .header("Cookie", sessionCookie())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return HttpClient.newHttpClient().send(request.build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String encode(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(),
        StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private Verdict waitForVerdict(String video) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      HttpResponse<byte[]> queue = get("/queue?action=REVIEW&q=" + video);
      if (new String(queue.body(), StandardCharsets.UTF_8).contains(">" + video + "</a>")) {
        return verdicts.get(video);
      }
      Thread.onSpinWait();
    }
    throw new AssertionError(video + " never reached the queue");
  }

  /** The share of the box's top edge drawn in the outline's red. */
  /**
   * The share of the face box's top edge, scaled by {@code scale} into {@code image}, drawn in
   * red (within a pixel up or down: a thin line lands between pixel rows).
   */
  private static double redAlongTopEdge(BufferedImage image, ExtractedFace face, double scale) {
    int red = 0;
    int total = 0;
    int y = (int) Math.round(face.box().y() * scale);
    int from = (int) Math.ceil(face.box().x() * scale) + 3;
    int to = (int) Math.floor(face.box().right() * scale) - 3;
    for (int x = from; x < to; x++) {
      total++;
      for (int dy = -1; dy <= 1; dy++) {
        int row = Math.max(0, Math.min(image.getHeight() - 1, y + dy));
        int rgb = image.getRGB(x, row);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r > 180 && g < 90 && b < 90) {
          red++;
          break;
        }
      }
    }
    return total == 0 ? 0 : (double) red / total;
  }


  private static final Map<String, Verdict> verdicts = new HashMap<>();

  /** A verdict on the clip's real sampled frames, the faces' probabilities made up. */
  private static Verdict verdict(String video, String uri, ModerationAction action,
      Instant submitted) {
    Map<Integer, List<ExtractedFace>> byFrame = faces.stream()
        .collect(Collectors.groupingBy(ExtractedFace::frameIndex));
    List<FrameScore> timeline = new ArrayList<>();
    byFrame.forEach((frame, inFrame) -> timeline.add(new FrameScore(frame,
        inFrame.get(0).timestampMs(), probability(frame, 0), inFrame.size(), null)));
    timeline.sort(Comparator.comparingInt(FrameScore::getFrameIndex));
    List<FrameScore> top = timeline.stream()
        .sorted(Comparator.comparingDouble(FrameScore::getMaxProbability).reversed())
        .limit(3).toList();
    Verdict verdict = Verdict.newBuilder().setEventId(UUID.randomUUID()).setVideoId(video)
        .setUri(uri).setSubmittedAt(submitted).setSource("it").setTenant(null)
        .setAttributes(Map.of()).setStatus(VerdictStatus.OK).setReason(null)
        .setProbability(0.71).setLabel(Label.FAKE).setAction(action)
        .setStrategy(AggregationStrategy.CONFIDENT)
        .setModelResults(List.of(new ModelResult("b0-fold0", 0.74, StrategyBranch.CONFIDENT_FAKE,
            faces.size()), new ModelResult("b0-fold1", 0.68, StrategyBranch.MEAN_OF_ALL,
            faces.size())))
        .setTrackResults(List.of(new TrackResult(0, 0.71, faces.size())))
        .setFramesSampled(byFrame.size()).setFacesExpected(faces.size())
        .setFacesScored(faces.size()).setFacesFailed(0).setTimeline(timeline)
        .setTopFrames(top).setEnsembleVersion("it-1")
        .setTimings(new StageTimings(100L, 200L, 10L, 400L))
        .setDecidedAt(submitted.plusMillis(400)).build();
    verdicts.put(video, verdict);
    return verdict;
  }

  private static double probability(int frame, int face) {
    return 0.3 + 0.6 * (((frame * 7 + face * 3) % 10) / 10.0);
  }

  /**
   * A made-up {@value #GRID}x{@value #GRID} grid that fades from the top-left cell (hottest) to
   * the bottom-right (cold): what the page does with a grid is under test here, not the model.
   */
  private static Heatmap cornerHeatmap() {
    byte[] cells = new byte[GRID * GRID];
    int far = 2 * (GRID - 1);
    for (int r = 0; r < GRID; r++) {
      for (int c = 0; c < GRID; c++) {
        cells[r * GRID + c] = (byte) Math.round(255.0 * (far - r - c) / far);
      }
    }
    return new Heatmap(GRID, GRID, ByteBuffer.wrap(cells), 3.5f);
  }

  private static FaceScore faceScore(Verdict verdict, ExtractedFace face) {
    double p = probability(face.frameIndex(), face.faceIndex());
    return FaceScore.newBuilder().setEventId(verdict.getEventId())
        .setFrameIndex(face.frameIndex()).setFrameTimeMs(face.timestampMs())
        .setFaceIndex(face.faceIndex()).setTrackId(face.trackId()).setStatus(ScoreStatus.OK)
        .setReason(null).setModelScores(List.of(new ModelScore("b0-fold0", p, 1.0,
            cornerHeatmap()), new ModelScore("b0-fold1", p, 1.0, null)))
        .setBox(new BoundingBox(face.box().x(), face.box().y(), face.box().width(),
            face.box().height()))
        .setEnsembleVersion("it-1").setScoredAt(verdict.getSubmittedAt().plusMillis(200))
        .setInferenceMs(1.0).build();
  }

  private static ExtractionSummary summary(Verdict verdict) {
    return ExtractionSummary.newBuilder().setEventId(verdict.getEventId())
        .setVideoId(verdict.getVideoId()).setUri(verdict.getUri())
        .setSubmittedAt(verdict.getSubmittedAt()).setSource("it").setTenant(null)
        .setAttributes(Map.of()).setStatus(ExtractionStatus.OK).setReason(null)
        .setFramesSampled(verdict.getFramesSampled()).setFacesFound(faces.size())
        .setCropsEmitted(faces.size())
        .setDecode(new dev.deepscreen.avro.DecodeStats("mov,mp4,m4a,3gp,3g2,mj2", "h264", 640,
            360, 0, 2000L, 24.0, 48L, 48L, 500L, 40L, 30L))
        .setStartedAt(verdict.getSubmittedAt()).setFinishedAt(verdict.getSubmittedAt()
            .plusMillis(100)).build();
  }

  private static Map<String, Object> producerProps() {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all");
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> void produce(
      TopicDefinition<V> topic, List<V> values) throws Exception {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(),
        new StringSerializer(), topic.valueSerde(registry, true).serializer())) {
      for (V value : values) {
        String key = String.valueOf(value.get(value.getSchema().getField("event_id").pos()));
        // Stamped as the stages stamp them: with the time of the event they follow from.
        long timestamp = value instanceof Verdict v ? v.getSubmittedAt().toEpochMilli()
            : reviewed.getSubmittedAt().toEpochMilli() + 100;
        producer.send(new ProducerRecord<>(topic.name(), null, timestamp, key, value)).get();
      }
    }
  }
}
