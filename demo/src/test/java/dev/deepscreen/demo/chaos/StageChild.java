package dev.deepscreen.demo.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One stage in a child process, run as an operator runs it: {@code bin/deepscreen run <stage>
 * --config <file>} of the full distribution, its state in a folder that outlives the process.
 */
final class StageChild implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofMillis(500)).build();

  private final String stage;
  private final Path launcher;
  private final Path config;
  private final Path log;
  private final int httpPort;
  private Process process;

  StageChild(String stage, Path distribution, Path folder, int httpPort,
      Map<String, String> settings) throws IOException {
    this.stage = stage;
    this.launcher = distribution.resolve("bin/deepscreen");
    this.httpPort = httpPort;
    Files.createDirectories(folder);
    this.config = folder.resolve(stage + ".properties");
    this.log = folder.resolve(stage + ".log");
    Properties properties = new Properties();
    properties.putAll(settings);
    properties.put("state.dir", folder.resolve("state").toString());
    properties.put("http.port", String.valueOf(httpPort));
    try (var out = Files.newBufferedWriter(config)) {
      properties.store(out, stage);
    }
  }

  String stage() {
    return stage;
  }

  void start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "run", stage, "--config",
        config.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("DEEPSCREEN_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    process = builder.start();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Whether {@code /health/ready} answers 200: every stream thread RUNNING. */
  boolean ready() {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
          .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
