package dev.deepscreen.demo.chaos;

import dev.deepscreen.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in a child JVM, run by Kafka's own
 * main class from the full distribution's jars, with its data in a folder that outlives the
 * process: it can be killed and started again on the same ports and data, as a broker restart
 * is.
 */
final class BrokerProcess implements AutoCloseable {

  private final Path folder;
  private final Path distribution;
  private final int port;
  private Process process;

  private BrokerProcess(Path folder, Path distribution, int port) {
    this.folder = folder;
    this.distribution = distribution;
    this.port = port;
  }

  /** Formats the storage in {@code folder} and starts the broker on free ports. */
  static BrokerProcess start(Path folder, Path distribution)
      throws IOException, InterruptedException {
    int port = freePort();
    int controllerPort = freePort();
    Files.createDirectories(folder);
    Path properties = folder.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + folder.resolve("data"),
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=3",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false", ""));
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    Process format = java(distribution, folder.resolve("format.log"), "kafka.tools.StorageTool",
        "format", "-t", clusterId, "-c", properties.toString());
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      throw new IllegalStateException("Cannot format the broker's storage: see "
          + folder.resolve("format.log"));
    }
    BrokerProcess broker = new BrokerProcess(folder, distribution, port);
    broker.start();
    return broker;
  }

  /** Starts the broker process and waits until it accepts connections. */
  void start() throws IOException, InterruptedException {
    process = java(distribution, folder.resolve("broker.log"), "kafka.Kafka",
        folder.resolve("server.properties").toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("The broker did not start: see "
            + folder.resolve("broker.log"));
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Creates the pipeline's topics, one replica each. */
  void createTopics(Admin admin) throws ExecutionException, InterruptedException {
    admin.createTopics(Topics.all().stream().map(t -> new NewTopic(t.name(), t.partitions(),
        (short) 1).configs(t.topicConfigs())).toList()).all().get();
  }

  /** A port nothing listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A main class of the distribution's jars ({@code lib/} and {@code lib/demo/}) in a child JVM,
   * its output appended to {@code log}.
   */
  static Process java(Path distribution, Path log, String mainClass, String... args)
      throws IOException {
    String classPath = distribution.resolve("lib") + "/*" + File.pathSeparator
        + distribution.resolve("lib/demo") + "/*";
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", classPath, mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
