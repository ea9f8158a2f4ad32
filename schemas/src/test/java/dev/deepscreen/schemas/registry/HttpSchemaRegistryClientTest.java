package dev.deepscreen.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

  private static final Schema V1 = SchemaBuilder.record("Verdict").namespace("dev.deepscreen")
      .fields().requiredString("id").endRecord();
  /** V1 plus a field with a default: BACKWARD compatible. */
  private static final Schema V2 = SchemaBuilder.record("Verdict").namespace("dev.deepscreen")
      .fields().requiredString("id").name("score").type().doubleType().doubleDefault(0.0)
      .endRecord();
  /** V1 plus a field without a default: not BACKWARD compatible. */
  private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("Verdict")
      .namespace("dev.deepscreen").fields().requiredString("id").requiredLong("at").endRecord();
  private static final Schema OTHER = SchemaBuilder.record("Other").fields()
      .requiredInt("n").endRecord();

  private FakeSchemaRegistryServer server;
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();
  private final List<HttpSchemaRegistryClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = new FakeSchemaRegistryServer();
  }

  @AfterEach
  void stopServer() {
    clients.forEach(HttpSchemaRegistryClient::close);
    server.close();
  }

  @Test
  void registeredSchemaComesBackById() {
    int id = client().register("verdicts-value", V1);

    // A fresh client, so that the answer comes from the registry, not the register cache.
    Schema fetched = client().schemaById(id);

    assertThat(fetched).isEqualTo(V1);
    assertThat(server.requests()).extracting(Request::method, Request::path)
        .containsExactly(
            tuple("POST", "/subjects/verdicts-value/versions"),
            tuple("GET", "/schemas/ids/" + id));
    assertThat(server.requests().get(0).json().get("schema").asText()).isEqualTo(V1.toString());
    assertThat(server.requests().get(0).json().has("schemaType")).isFalse();
  }

  @Test
  void sameSchemaRegisteredTwiceHasOneIdAndSecondCallIsCached() {
    HttpSchemaRegistryClient client = client();
    int first = client.register("verdicts-value", V1);
    int second = client.register("verdicts-value", V1);
    int fromAnotherClient = client().register("verdicts-value", V1);

    assertThat(second).isEqualTo(first);
    assertThat(fromAnotherClient).isEqualTo(first);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void registerFillsTheByIdCache() {
    HttpSchemaRegistryClient client = client();
    int id = client.register("verdicts-value", V1);

    assertThat(client.schemaById(id)).isEqualTo(V1);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void lookupFindsTheVersionOfARegisteredSchemaAndCachesIt() {
    HttpSchemaRegistryClient client = client();
    int id1 = client.register("verdicts-value", V1);
    client.register("verdicts-value", V2);

    RegisteredSchema found = client.lookup("verdicts-value", V1);
    RegisteredSchema again = client.lookup("verdicts-value", V1);

    assertThat(found).isEqualTo(new RegisteredSchema("verdicts-value", id1, 1, V1));
    assertThat(again).isEqualTo(found);
    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests().get(2).path()).isEqualTo("/subjects/verdicts-value");
  }

  @Test
  void lookupInAnUnknownSubjectThrowsSubjectNotFound() {
    SubjectNotFoundException e = catchThrowableOfType(SubjectNotFoundException.class,
        () -> client().lookup("nobody-value", V1));

    assertThat(e.errorCode()).isEqualTo(40401);
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.getMessage()).contains("nobody-value").contains(server.url());
  }

  @Test
  void lookupOfAnUnregisteredSchemaInAKnownSubjectThrowsSchemaNotFound() {
    HttpSchemaRegistryClient client = client();
    client.register("verdicts-value", V1);

    SchemaNotFoundException e = catchThrowableOfType(SchemaNotFoundException.class,
        () -> client.lookup("verdicts-value", OTHER));

    assertThat(e.errorCode()).isEqualTo(40403);
  }

  @Test
  void unknownIdThrowsSchemaNotFoundAndIsNotCached() {
    HttpSchemaRegistryClient client = client();

    SchemaNotFoundException e = catchThrowableOfType(SchemaNotFoundException.class,
        () -> client.schemaById(7));
    assertThat(e.errorCode()).isEqualTo(40403);
    assertThat(e.getMessage()).contains("get schema by id 7 from " + server.url());

    // Failures are not cached: the id may be registered since.
    int id = client().register("verdicts-value", V1);
    assertThat(client.schemaById(id)).isEqualTo(V1);
  }

  @Test
  void schemaFetchedByIdIsCachedAfterwards() {
    int id = client().register("verdicts-value", V1);
    HttpSchemaRegistryClient client = client();

    client.schemaById(id);
    client.schemaById(id);

    assertThat(server.requests()).extracting(Request::path)
        .containsExactly("/subjects/verdicts-value/versions", "/schemas/ids/" + id);
  }

  @Test
  void registeringAnIncompatibleSchemaThrowsIncompatibleSchema() {
    HttpSchemaRegistryClient client = client();
    client.register("verdicts-value", V1);

    IncompatibleSchemaException e = catchThrowableOfType(IncompatibleSchemaException.class,
        () -> client.register("verdicts-value", V2_NO_DEFAULT));

    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(e.errorCode()).isEqualTo(409);
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void unprocessableSchemaThrowsInvalidSchema() {
    server.failNext(1, 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

    InvalidSchemaException e = catchThrowableOfType(InvalidSchemaException.class,
        () -> client().register("verdicts-value", V1));

    assertThat(e.errorCode()).isEqualTo(42201);
    assertThat(e.getMessage()).contains("Invalid schema");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void serverErrorsAreRetriedWithDoublingBackoff() {
    server.failNext(2, 500, "{\"error_code\":50001,\"message\":\"store error\"}");

    int id = client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "3")).register("s", V1);

    assertThat(id).isPositive();
    assertThat(server.requests()).hasSize(3);
    assertThat(sleeps).containsExactly(100L, 200L);
  }

  @Test
  void backoffIsCappedAtTheMaximum() {
    server.failNext(4, 503, "{\"error_code\":50301,\"message\":\"busy\"}");

    client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "4",
        SchemaRegistryClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "300")).register("s", V1);

    assertThat(sleeps).containsExactly(100L, 200L, 300L, 300L);
  }

  @Test
  void serverErrorsBeyondTheRetryBudgetThrowARetryableError() {
    server.failNext(3, 500, "{\"error_code\":50001,\"message\":\"store error\"}");
    HttpSchemaRegistryClient client =
        client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "2"));

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client.register("s", V1));

    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.errorCode()).isEqualTo(50001);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("store error");
    assertThat(server.requests()).hasSize(3);
    assertThat(sleeps).containsExactly(100L, 200L);
  }

  @Test
  void unauthorizedIsNotRetriedAndMentionsCredentials() {
    server.failNext(1, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "3")).schemaById(1));

    assertThat(e.httpStatus()).isEqualTo(401);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("credentials");
    assertThat(server.requests()).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void nonJsonErrorPageGivesAMessageWithTheStatusAndTheStartOfThePage() {
    String page = "<html><body><h1>502 Bad Gateway</h1>" + "x".repeat(500) + "</body></html>";
    server.failNext(1, 502, page);

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "0")).schemaById(1));

    assertThat(e.httpStatus()).isEqualTo(502);
    assertThat(e.errorCode()).isEqualTo(502);
    assertThat(e.getMessage()).contains("HTTP 502").contains("<h1>502 Bad Gateway</h1>")
        .contains(page.substring(0, 200)).doesNotContain(page.substring(0, 201));
  }

  @Test
  void droppedConnectionIsRetried() {
    server.dropNext(1);

    int id = client().register("s", V1);

    assertThat(id).isPositive();
    assertThat(sleeps).containsExactly(100L);
  }

  @Test
  void requestTimeoutIsAnIoFailure() {
    server.setDelayMs(2_000);

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client(Map.of(SchemaRegistryClientConfig.RETRIES_CONFIG, "0",
            SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "200")).schemaById(1));

    assertThat(e.httpStatus()).isZero();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("cannot reach the registry");
  }

  @Test
  void failsOverToTheNextUrlWhenTheFirstCannotBeReached() throws IOException {
    String down = "http://127.0.0.1:" + closedPort();
    HttpSchemaRegistryClient client = client(Map.of(
        SchemaRegistryClientConfig.URL_CONFIG, down + "," + server.url(),
        SchemaRegistryClientConfig.RETRIES_CONFIG, "1"));

    int id = client.register("s", V1);
    // Later calls start from the URL that answered.
    client.lookup("s", V1);

    assertThat(id).isPositive();
    assertThat(server.requests()).hasSize(2);
    assertThat(sleeps).containsExactly(100L);
  }

  @Test
  void unreachableRegistryThrowsARetryableErrorWithoutStatus() throws IOException {
    String down = "http://127.0.0.1:" + closedPort();
    HttpSchemaRegistryClient client = client(Map.of(SchemaRegistryClientConfig.URL_CONFIG, down,
        SchemaRegistryClientConfig.RETRIES_CONFIG, "1"));

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client.schemaById(3));

    assertThat(e.httpStatus()).isZero();
    assertThat(e.errorCode()).isZero();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).startsWith("get schema by id 3 from " + down
        + ": cannot reach the registry");
    assertThat(e.getCause()).isInstanceOf(IOException.class);
  }

  @Test
  void userInfoCredentialsAreSentAsBasicAuth() {
    client(Map.of(SchemaRegistryClientConfig.BASIC_AUTH_SOURCE_CONFIG, "USER_INFO",
        SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG, "user:pass")).register("s", V1);

    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Basic dXNlcjpwYXNz");
  }

  @Test
  void urlCredentialsAreSentAsBasicAuthButNotInTheUriNorInMessages() {
    String url = "http://alice:s3cret@127.0.0.1:" + server.port();
    server.failNext(1, 500, "{\"error_code\":50001,\"message\":\"store error\"}");
    HttpSchemaRegistryClient client = client(Map.of(SchemaRegistryClientConfig.URL_CONFIG, url,
        SchemaRegistryClientConfig.BASIC_AUTH_SOURCE_CONFIG, "URL",
        SchemaRegistryClientConfig.RETRIES_CONFIG, "0"));

    SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
        () -> client.register("s", V1));

    Request request = server.requests().get(0);
    assertThat(request.header("Authorization")).isEqualTo("Basic YWxpY2U6czNjcmV0");
    assertThat(request.uri()).isEqualTo("/subjects/s/versions");
    assertThat(request.header("Host")).doesNotContain("alice");
    assertThat(e.getMessage()).contains(server.url()).doesNotContain("s3cret");
    assertThat(HttpSchemaRegistryClient.withoutUserInfo(url)).isEqualTo(server.url());
  }

  @Test
  void staticTokenIsSentAsBearerAuth() {
    client(Map.of(SchemaRegistryClientConfig.BEARER_AUTH_SOURCE_CONFIG, "STATIC_TOKEN",
        SchemaRegistryClientConfig.BEARER_AUTH_TOKEN_CONFIG, "t0ken")).register("s", V1);

    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer t0ken");
  }

  @Test
  void noAuthorizationHeaderWithoutCredentials() {
    client().register("s", V1);

    assertThat(server.requests().get(0).header("Authorization")).isNull();
  }

  @Test
  void requestsCarryTheRegistryMediaTypes() {
    HttpSchemaRegistryClient client = client();
    int id = client.register("s", V1);
    client().schemaById(id);

    Request post = server.requests().get(0);
    Request get = server.requests().get(1);
    String accept = "application/vnd.schemaregistry.v1+json,"
        + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    assertThat(post.header("Accept")).isEqualTo(accept);
    assertThat(post.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(get.header("Accept")).isEqualTo(accept);
    assertThat(get.header("Content-Type")).isNull();
  }

  @Test
  void subjectIsEncodedAsOnePathSegment() {
    HttpSchemaRegistryClient client = client();
    int id = client.register("team a/verdicts", V1);
    RegisteredSchema found = client.lookup("team a/verdicts", V1);

    assertThat(server.requests().get(0).uri()).isEqualTo("/subjects/team%20a%2Fverdicts/versions");
    assertThat(server.requests().get(1).uri()).isEqualTo("/subjects/team%20a%2Fverdicts");
    assertThat(found.subject()).isEqualTo("team a/verdicts");
    assertThat(found.id()).isEqualTo(id);
  }

  @Test
  void useAfterCloseThrowsIllegalState() {
    HttpSchemaRegistryClient client = client();
    int id = client.register("s", V1);
    client.close();
    client.close();

    assertThatThrownBy(() -> client.schemaById(id)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.register("s", V1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.lookup("s", V1)).isInstanceOf(IllegalStateException.class);
    assertThat(server.requests()).hasSize(1);
  }

  // ---- helpers ----

  private HttpSchemaRegistryClient client() {
    return client(Map.of());
  }

  private HttpSchemaRegistryClient client(Map<String, String> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put(SchemaRegistryClientConfig.URL_CONFIG, server.url());
    props.put(SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    props.putAll(overrides);
    HttpSchemaRegistryClient client =
        new HttpSchemaRegistryClient(new SchemaRegistryClientConfig(props), sleeps::add);
    clients.add(client);
    return client;
  }

  /** A port nothing listens on: bound, remembered, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
