package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After {@code package}, the distribution that streams/Dockerfile copies into the image exists
 * where the image build looks for it ({@code streams/target/deepscreen-<version>/bin/deepscreen},
 * jars in {@code lib/}).
 */
@Tag("integration")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StreamsDistributionIT {

  @Test
  void theDistributionTheImageCopiesIsBuilt() throws IOException {
    Path distribution = Repository.file("streams/target/deepscreen-" + Repository.projectVersion());

    assertThat(distribution.resolve("bin/deepscreen")).isRegularFile();
    try (Stream<Path> jars = Files.list(distribution.resolve("lib"))) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anySatisfy(name -> assertThat(name).startsWith("deepscreen-streams-"))
          .noneSatisfy(name -> assertThat(name).endsWith(".zip"));
    }
  }
}
