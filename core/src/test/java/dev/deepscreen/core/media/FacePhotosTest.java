package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labelled face boxes of the shipped photos, and the CSV they are read from. */
class FacePhotosTest {

  @Test
  void everyPhotoHasItsLabelledFacesInFileOrder() {
    Map<String, List<FaceBox>> faces = FacePhotos.labelledFaces();

    assertThat(faces.keySet()).containsExactlyElementsOf(FacePhotos.NAMES);
    assertThat(faces.values().stream().mapToInt(List::size).sum()).isEqualTo(22);
    assertThat(faces.get("sample1.jpg").get(0)).isEqualTo(new FaceBox(414, 360, 182, 230, 1f));
  }

  @Test
  void aQuotedPhotoNameWithACommaAQuoteAndAnAccentIsReadWhole() {
    String csv = """
        # comment lines, then the header
        # "and a quote in a comment"
        photo,x,y,width,height
        "group, ""Zoë"".jpg",1,2,3,4

        plain.jpg,5,6,7,8
        "group, ""Zoë"".jpg",9,10,11,12
        """;

    Map<String, List<FaceBox>> faces = FacePhotos.readFaces(
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));

    assertThat(faces).containsOnlyKeys("group, \"Zoë\".jpg", "plain.jpg");
    assertThat(faces.get("group, \"Zoë\".jpg")).containsExactly(
        new FaceBox(1, 2, 3, 4, 1f), new FaceBox(9, 10, 11, 12, 1f));
    assertThat(faces.get("plain.jpg")).containsExactly(new FaceBox(5, 6, 7, 8, 1f));
  }
}
