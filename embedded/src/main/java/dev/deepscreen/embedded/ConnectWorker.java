package dev.deepscreen.embedded;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;

/**
 * A real standalone Connect worker in this JVM, started as {@code connect-standalone} starts
 * one, with its REST API on a loopback port. Plugins are found with
 * {@code plugin.discovery=service_load}: the S3 sink through its META-INF/services entry on the
 * classpath, as a worker finds it in a plugin.path archive. Sink offsets live in the consumer
 * group, so a new worker on the same broker resumes where a stopped one committed.
 */
public final class ConnectWorker implements AutoCloseable {

  private final Connect<StandaloneHerder> connect;
  private final ConnectRest rest;

  private ConnectWorker(Connect<StandaloneHerder> connect) {
    this.connect = connect;
    this.rest = new ConnectRest(connect.rest().advertisedUrl());
  }

  public static ConnectWorker start(String bootstrapServers, Path workDir) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("listeners", "http://127.0.0.1:0");
    props.put("plugin.discovery", "service_load");
    props.put("offset.storage.file.filename", workDir.resolve("offsets").toString());
    props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    // Commit sink offsets often, so that a stop lands between commits of written objects.
    props.put("offset.flush.interval.ms", "500");
    // ConnectStandalone exits the JVM when the worker cannot start; make that a failure instead.
    Exit.setExitProcedure((code, message) -> {
      throw new IllegalStateException("Connect worker wanted to exit with " + code + ": "
          + message);
    });
    try {
      return new ConnectWorker(new ConnectStandalone().startConnect(props));
    } finally {
      Exit.resetExitProcedure();
    }
  }

  public URI url() {
    return rest.url();
  }

  public ConnectRest rest() {
    return rest;
  }

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
