package dev.deepscreen.streams.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Heatmap;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.SampleRecords;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the pages show, escaped, and the heatmap overlay only where a face has a grid. */
class PagesTest {

  private static final String HOSTILE = "<script>alert(1)</script>\"'&";

  private final Verdict verdict = Verdict.newBuilder(SampleRecords.verdict())
      .setVideoId(HOSTILE).setUri("file:///videos/" + HOSTILE)
      .setAttributes(Map.of("title", HOSTILE)).build();

  private static CasePage.Model model(Verdict verdict, List<CasePage.FrameView> frames) {
    return new CasePage.Model(verdict, null, null, frames, List.of("note " + HOSTILE), "f<1>");
  }

  @Test
  void everyValueFromARecordIsEscaped() {
    String page = CasePage.render("n0nce", "ada<", "c\"srf", model(verdict, List.of()));

    assertThat(page).doesNotContain("<script>alert").doesNotContain("ada<")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;")
        .contains("value=\"c&quot;srf\"").contains("value=\"f&lt;1&gt;\"");
    // The only scripts are the page's own, with the nonce.
    assertThat(page.split("<script", -1)).hasSize(2);
    assertThat(page).contains("<script nonce=\"n0nce\">");

    String queue = Pages.queue("n", "ada", "c", new CaseIndex.Counts(Map.of(
        ModerationAction.REVIEW, 1, ModerationAction.BLOCK, 0, ModerationAction.ALLOW, 0), 0),
        ModerationAction.REVIEW, HOSTILE, List.of(verdict), true, null);
    assertThat(queue).doesNotContain("<script>alert").contains("REVIEW (<span class=\"count\">1");
  }

  @Test
  void framesTakeBoxesAndGridsFromTheVerdictsEvidenceThenFromTheFaceScores() {
    Heatmap light = new Heatmap(2, 2, ByteBuffer.wrap(new byte[] {0, 0, 0, (byte) 255}), 1f);
    Heatmap heavy = new Heatmap(2, 2, ByteBuffer.wrap(new byte[] {(byte) 255, 0, 0, 51}), 3f);
    FaceEvidence evidence = new FaceEvidence(1, 7, new BoundingBox(100, 50, 40, 60), 0.8,
        List.of(new ModelScore("a", 0.7, 1.0, light), new ModelScore("b", 0.9, 2.0, heavy)));
    FrameScore top = new FrameScore(3, 1000L, 0.8, 2, List.of(evidence));
    Verdict withEvidence = Verdict.newBuilder(verdict).setTopFrames(List.of(top)).build();
    FaceScore other = FaceScore.newBuilder(SampleRecords.faceScore()).setFrameIndex(3)
        .setFaceIndex(0).setBox(null).setModelScores(List.of(
            new ModelScore("a", 0.2, 1.0, null), new ModelScore("b", 0.2, 2.0, null))).build();
    FaceScore listed = FaceScore.newBuilder(other).setFaceIndex(1).build();

    List<CasePage.FrameView> frames = CasePage.frames(withEvidence, Set.of(3),
        List.of(other, listed), null, 0.3);

    assertThat(frames).singleElement().extracting(CasePage.FrameView::faces).asList()
        .hasSize(2);
    CasePage.FaceView first = frames.get(0).faces().get(0);
    assertThat(first.faceIndex()).isEqualTo(1);
    assertThat(first.trackId()).isEqualTo(7);
    assertThat(first.probability()).isEqualTo(0.8);
    assertThat(first.box()).isEqualTo(new CasePage.Box(100, 50, 40, 60));
    // the heavier model's grid, its cells back in [0, 1]
    assertThat(first.heatmap().values()).containsExactly(1f, 0f, 0f, 0.2f);
    CasePage.FaceView second = frames.get(0).faces().get(1);
    assertThat(second.faceIndex()).isZero();
    assertThat(second.box()).isNull();
    assertThat(second.heatmap()).isNull();
    // The overlay needs the frame's size (the extraction summary's, or the decoder's).
    assertThat(CasePage.render("n", "ada", "c", model(withEvidence, frames)))
        .doesNotContain("id=\"heatmap-opacity\"").doesNotContain("svg class=\"overlay\"");
    assertThat(CasePage.render("n", "ada", "c", model(withEvidence, CasePage.frames(
        withEvidence, Set.of(3), List.of(other, listed), 640, 360, 0.3))))
        .contains("id=\"heatmap-opacity\"").contains("svg class=\"overlay\"");
  }

  @Test
  void aFaceWithAHeatmapGetsAnOverlayAndThePageASlider() {
    CasePage.Heatmap corner = new CasePage.Heatmap(2, 2, new float[] {1f, 0f, 0f, 0f});
    CasePage.FaceView mapped = new CasePage.FaceView(0, 1, 0.9, List.of(
        new ModelScore("b0", 0.9, 1.0, null)), new CasePage.Box(100, 50, 40, 60), corner);
    CasePage.FaceView plain = new CasePage.FaceView(1, 2, 0.2, List.of(), null, null);
    CasePage.FrameView frame = new CasePage.FrameView(3, 1000, 0.9, 640, 360, 0.3,
        List.of(mapped, plain));

    String page = CasePage.render("n", "ada", "c", model(verdict, List.of(frame)));

    assertThat(page).contains("id=\"heatmap-opacity\"")
        .contains("<svg class=\"overlay\" viewBox=\"0 0 640 360\"")
        .contains("<g class=\"heatmap\" opacity=\"0.5\">")
        // The face is outlined at its recorded box; the face without a box is not.
        .contains("<rect class=\"face\" data-face=\"0\" x=\"100\" y=\"50\" width=\"40\""
            + " height=\"60\" stroke-width=\"2\"/>")
        .doesNotContain("data-face=\"1\"")
        // The grid covers the model's input: the box grown by the margin (30%: 88,32 64x96),
        // centred in a square of its longer side (72,32 96x96); the hot cell is that square's
        // top-left quarter, fully opaque, the others clear; the square's padding is clipped.
        .contains("<clipPath id=\"clip-3-0\"><rect x=\"88\" y=\"32\" width=\"64\""
            + " height=\"96\"/></clipPath>")
        .contains("x=\"72.0\" y=\"32.0\" width=\"48.0\" height=\"48.0\" fill=\"#ff2000\""
            + " fill-opacity=\"1.00\"")
        .contains("x=\"120.0\" y=\"80.0\" width=\"48.0\" height=\"48.0\" fill=\"#ff2000\""
            + " fill-opacity=\"0.00\"");

    String without = CasePage.render("n", "ada", "c", model(verdict, List.of(
        new CasePage.FrameView(3, 1000, 0.9, 640, 360, 0.3, List.of(plain)))));
    assertThat(without).doesNotContain("id=\"heatmap-opacity\"")
        .doesNotContain("svg class=\"overlay\"")
        .contains("src=\"/cases/" + verdict.getEventId() + "/frames/3.jpg\"");

    // A face with a box and no heatmap is outlined; there is no grid to fade, so no slider.
    CasePage.FaceView boxedOnly = new CasePage.FaceView(2, 3, 0.4, List.of(),
        new CasePage.Box(10, 20, 30, 40), null);
    String outlined = CasePage.render("n", "ada", "c", model(verdict, List.of(
        new CasePage.FrameView(3, 1000, 0.9, 1920, 1080, 0.3, List.of(boxedOnly)))));
    assertThat(outlined).contains("<rect class=\"face\" data-face=\"2\" x=\"10\" y=\"20\""
            + " width=\"30\" height=\"40\" stroke-width=\"6\"/>")
        .doesNotContain("g class=\"heatmap\"").doesNotContain("id=\"heatmap-opacity\"");
    // Without the frame's size nothing can be placed.
    assertThat(CasePage.render("n", "ada", "c", model(verdict, List.of(
        new CasePage.FrameView(3, 1000, 0.9, 0, 0, 0.3, List.of(boxedOnly))))))
        .doesNotContain("svg class=\"overlay\"");
  }

  @Test
  void theTimelineMarksTheShownFrames() {
    String svg = TimelineChart.svg(verdict.getTimeline(), 2000, Set.of(
        verdict.getTopFrames().get(0).getFrameIndex()));
    assertThat(svg.split("<circle", -1)).hasSize(verdict.getTimeline().size() + 1);
    assertThat(svg.split("class=\"point shown\"", -1)).hasSize(2);
  }
}
