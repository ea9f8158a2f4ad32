package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoReferencesTest {

  @Test
  void aRelativePathBecomesAnAbsoluteFileUri(@TempDir Path dir) throws Exception {
    Path video = Files.writeString(dir.resolve("clip one.mp4"), "x");
    Path relative = Path.of("").toAbsolutePath().relativize(video);
    URI uri = VideoReferences.toUri(relative.toString());
    assertThat(uri.getScheme()).isEqualTo("file");
    assertThat(Path.of(uri)).isEqualTo(video.toAbsolutePath().normalize());
    assertThat(uri.toString()).endsWith("/clip%20one.mp4");
    assertThat(VideoReferences.videoId(uri)).isEqualTo("clip one.mp4");
  }

  @Test
  void uriArePassedAsGiven() {
    assertThat(VideoReferences.toUri("s3://bucket/in/v.mp4"))
        .isEqualTo(URI.create("s3://bucket/in/v.mp4"));
    assertThat(VideoReferences.toUri("https://cdn.example.com/v/1"))
        .isEqualTo(URI.create("https://cdn.example.com/v/1"));
    assertThat(VideoReferences.videoId(URI.create("https://cdn.example.com/v/1/"))).isEqualTo("1");
    assertThat(VideoReferences.videoId(URI.create("https://cdn.example.com")))
        .isEqualTo("https://cdn.example.com");
  }

  @Test
  void aMalformedUriIsRefused() {
    assertThatThrownBy(() -> VideoReferences.toUri("https://a b/c"))
        .isInstanceOf(CommandException.class).hasMessageStartingWith("Not a valid URI: ");
  }
}
