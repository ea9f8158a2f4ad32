package dev.deepscreen.streams.review;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.DecodeStats;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.ModelResult;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.TrackResult;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.core.media.FaceCropper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A case: the video's facts and statuses, the verdict and why, the timeline, the suspicious
 * frames with their faces, and the decision form with its keyboard shortcuts.
 */
final class CasePage {
  private CasePage() {}

  /**
   * A face's class-activation grid, row-major, values in [0, 1], laid over its box: from the
   * verdict's evidence or the face score, the heatmap of the heaviest model that has one. A face
   * with one gets an overlay and the page an opacity slider.
   */
  record Heatmap(int rows, int cols, float[] values) {
    Heatmap {
      if (rows < 1 || cols < 1 || values.length != rows * cols) {
        throw new IllegalArgumentException("a heatmap of " + rows + "x" + cols + " needs "
            + rows * cols + " values, not " + values.length);
      }
    }
  }

  /** A box in frame pixels. */
  record Box(int x, int y, int width, int height) {}

  /**
   * One face of a shown frame: from its face score, and where known its box and heatmap (null
   * when the records do not carry them).
   */
  record FaceView(int faceIndex, Integer trackId, double probability, List<ModelScore> models,
      Box box, Heatmap heatmap) {}

  /**
   * A shown frame: its faces, its size in pixels when known (0 otherwise), and the extraction
   * stage's crop margin, which places a face's heatmap around its box.
   */
  record FrameView(int frameIndex, long timeMs, double maxProbability, int width, int height,
      double cropMargin, List<FaceView> faces) {}

  /** Everything the page shows. */
  record Model(Verdict verdict, ReviewDecision decision, ExtractionSummary summary,
      List<FrameView> frames, List<String> notes, String formToken) {}

  /**
   * The frames a page shows: first the faces the verdict's evidence lists for the frame (most
   * suspicious first, with their boxes and heatmaps), then those of the frame's face scores it
   * does not list (with the box and heatmaps their scores carry, if any).
   */
  static List<FrameView> frames(Verdict verdict, Set<Integer> shown, List<FaceScore> scores,
      ExtractionSummary summary, double cropMargin) {
    DecodeStats decode = summary == null ? null : summary.getDecode();
    return frames(verdict, shown, scores, decode == null ? 0 : decode.getWidth(),
        decode == null ? 0 : decode.getHeight(), cropMargin);
  }

  /** As above, for frames of {@code width} x {@code height} pixels (0 x 0 when unknown). */
  static List<FrameView> frames(Verdict verdict, Set<Integer> shown, List<FaceScore> scores,
      int width, int height, double cropMargin) {
    return verdict.getTopFrames().stream().filter(f -> shown.contains(f.getFrameIndex()))
        .map(f -> new FrameView(f.getFrameIndex(), f.getFrameTimeMs(), f.getMaxProbability(),
            width, height, cropMargin, faces(f, scores)))
        .toList();
  }

  private static List<FaceView> faces(FrameScore frame, List<FaceScore> scores) {
    Map<Integer, FaceView> faces = new java.util.LinkedHashMap<>();
    if (frame.getEvidence() != null) {
      for (FaceEvidence e : frame.getEvidence()) {
        faces.put(e.getFaceIndex(), new FaceView(e.getFaceIndex(), e.getTrackId(),
            e.getProbability(), e.getModelScores(), box(e.getBox()),
            heatmap(e.getModelScores())));
      }
    }
    for (FaceScore s : scores) {
      if (s.getFrameIndex() == frame.getFrameIndex()) {
        faces.putIfAbsent(s.getFaceIndex(), new FaceView(s.getFaceIndex(), s.getTrackId(),
            mean(s), s.getModelScores(), box(s.getBox()), heatmap(s.getModelScores())));
      }
    }
    return List.copyOf(faces.values());
  }

  private static Box box(BoundingBox box) {
    return box == null ? null : new Box(box.getX(), box.getY(), box.getWidth(),
        box.getHeight());
  }

  /** The grid of the heaviest model with one (the first of equals), in [0, 1]; null if none. */
  static Heatmap heatmap(List<ModelScore> models) {
    ModelScore chosen = null;
    for (ModelScore model : models) {
      if (model.getHeatmap() != null
          && (chosen == null || model.getWeight() > chosen.getWeight())) {
        chosen = model;
      }
    }
    if (chosen == null) {
      return null;
    }
    dev.deepscreen.avro.Heatmap grid = chosen.getHeatmap();
    java.nio.ByteBuffer cells = grid.getCells().duplicate();
    if (grid.getWidth() < 1 || grid.getHeight() < 1
        || cells.remaining() != grid.getWidth() * grid.getHeight()) {
      return null;
    }
    float[] values = new float[cells.remaining()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (cells.get() & 0xff) / 255f;
    }
    return new Heatmap(grid.getHeight(), grid.getWidth(), values);
  }

  /** The face's weighted ensemble mean, as the aggregation stage computes it. */
  static double mean(FaceScore score) {
    double sum = 0;
    double weights = 0;
    for (ModelScore model : score.getModelScores()) {
      sum += model.getProbability() * model.getWeight();
      weights += model.getWeight();
    }
    return weights > 0 ? sum / weights : Double.NaN;
  }

  static String render(String nonce, String user, String csrf, Model model) {
    Verdict v = model.verdict();
    String id = v.getEventId().toString();
    StringBuilder b = new StringBuilder(16_384);
    b.append("<h1>Case <span id=\"video\">").append(Html.text(v.getVideoId())).append("</span></h1>");
    for (String note : model.notes()) {
      b.append("<p class=\"notice\">").append(Html.text(note)).append("</p>");
    }
    b.append("<h2>Verdict</h2><table id=\"verdict\">")
        .append(row("Event", id)).append(row("Video URI", v.getUri()))
        .append(row("Submitted", Html.time(v.getSubmittedAt())))
        .append(row("Source / tenant", v.getSource() + " / "
            + (v.getTenant() == null ? "-" : v.getTenant())))
        .append(row("Probability", Html.probability(v.getProbability())))
        .append(row("Label", v.getLabel())).append(row("Action", v.getAction()))
        .append(row("Status", v.getStatus() + (v.getReason() == null ? "" : ": " + v.getReason())))
        .append(row("Strategy", v.getStrategy()))
        .append(row("Faces scored / expected / failed", v.getFacesScored() + " / "
            + v.getFacesExpected() + " / " + v.getFacesFailed()))
        .append(row("Frames sampled", v.getFramesSampled()))
        .append(row("Ensemble", v.getEnsembleVersion()))
        .append(row("Verdict at", Html.time(v.getDecidedAt())));
    for (Map.Entry<String, String> attribute : v.getAttributes().entrySet()) {
      b.append(row("Attribute " + attribute.getKey(), attribute.getValue()));
    }
    b.append("</table>");
    facts(b, model.summary());
    b.append("<h2>Models</h2><table id=\"models\"><tr><th>Model</th><th>Probability</th>")
        .append("<th>Strategy branch</th><th>Faces</th></tr>");
    for (ModelResult m : v.getModelResults()) {
      b.append("<tr><td>").append(Html.text(m.getModel())).append("</td><td>")
          .append(Html.probability(m.getProbability())).append("</td><td>").append(m.getBranch())
          .append("</td><td>").append(m.getFaces()).append("</td></tr>");
    }
    b.append("</table><h2>People</h2><table id=\"tracks\"><tr><th>Track</th><th>Probability</th>")
        .append("<th>Faces</th></tr>");
    for (TrackResult t : v.getTrackResults()) {
      b.append("<tr><td>").append(t.getTrackId()).append("</td><td>")
          .append(Html.probability(t.getProbability())).append("</td><td>").append(t.getFaces())
          .append("</td></tr>");
    }
    b.append("</table><h2>Timeline</h2><p>The most suspicious face of each sampled frame;")
        .append(" red points are the frames shown below.</p>");
    Long duration = model.summary() == null || model.summary().getDecode() == null ? null
        : model.summary().getDecode().getDurationMs();
    b.append(TimelineChart.svg(v.getTimeline(), duration == null ? -1 : duration, model.frames().stream()
        .map(FrameView::frameIndex).collect(java.util.stream.Collectors.toSet())));
    frames(b, id, model.frames());
    decision(b, id, csrf, model);
    b.append(script(nonce));
    return Pages.layout("Case " + v.getVideoId(), nonce, user, csrf, b.toString());
  }

  private static void facts(StringBuilder b, ExtractionSummary s) {
    if (s == null) {
      return;
    }
    b.append("<h2>Video</h2><table id=\"facts\">")
        .append(row("Extraction", s.getStatus() + (s.getReason() == null ? "" : ": " + s.getReason())))
        .append(row("Frames sampled / faces found / crops", s.getFramesSampled() + " / "
            + s.getFacesFound() + " / " + s.getCropsEmitted()));
    DecodeStats d = s.getDecode();
    if (d != null) {
      b.append(row("Container / codec", d.getContainer() + " / " + d.getVideoCodec()))
          .append(row("Size", d.getWidth() + "x" + d.getHeight() + ", rotated "
              + d.getRotationDegrees() + " degrees"))
          .append(row("Duration", d.getDurationMs() == null || d.getDurationMs() < 0 ? "unknown"
              : Html.seconds(d.getDurationMs())))
          .append(row("Frame rate", d.getFrameRate() == null ? "unknown"
              : String.format(Locale.ROOT, "%.2f", d.getFrameRate())))
          .append(row("Bytes", d.getBytesRead()));
    }
    b.append("</table>");
  }

  private static void frames(StringBuilder b, String id, List<FrameView> frames) {
    b.append("<h2>Suspicious frames</h2>");
    if (frames.isEmpty()) {
      b.append("<p id=\"no-frames\">The verdict names no suspicious frame.</p>");
      return;
    }
    boolean anyHeatmap = frames.stream().anyMatch(f -> f.width() > 0 && f.height() > 0
        && f.faces().stream().anyMatch(face -> face.heatmap() != null && face.box() != null));
    if (anyHeatmap) {
      b.append("<p><label>Heatmap opacity <input type=\"range\" id=\"heatmap-opacity\" min=\"0\"")
          .append(" max=\"100\" value=\"50\"></label></p>");
    }
    b.append("<p>Rendered from the source video; each face that was scored is outlined where")
        .append(" it was found.</p><div class=\"frames\">");
    for (FrameView f : frames) {
      b.append("<figure class=\"frame-figure\" data-frame=\"").append(f.frameIndex())
          .append("\"><div class=\"frame\"><img class=\"frame-image\" alt=\"frame ")
          .append(f.frameIndex()).append("\" src=\"/cases/").append(Html.url(id))
          .append("/frames/").append(f.frameIndex()).append(".jpg\">");
      overlay(b, f);
      b.append("</div><figcaption>Frame ").append(f.frameIndex()).append(" at ")
          .append(Html.seconds(f.timeMs())).append(", most suspicious face ")
          .append(Html.probability(f.maxProbability()))
          .append("<table class=\"faces\"><tr><th>Face</th><th>Track</th><th>Probability</th>")
          .append("<th>Models</th></tr>");
      for (FaceView face : f.faces()) {
        b.append("<tr><td>").append(face.faceIndex()).append("</td><td>")
            .append(face.trackId() == null ? "-" : face.trackId()).append("</td><td>")
            .append(Html.probability(face.probability())).append("</td><td>");
        String separator = "";
        for (ModelScore m : face.models()) {
          b.append(separator).append(Html.text(m.getModel())).append(' ')
              .append(Html.probability(m.getProbability()));
          separator = "; ";
        }
        b.append("</td></tr>");
      }
      b.append("</table></figcaption></figure>");
    }
    b.append("</div>");
  }

  /**
   * What the records say about the frame, as an SVG over the image in frame pixels: the faces'
   * heatmaps (one group, whose opacity the slider sets) and each face's outline. Nothing when
   * the frame's size is unknown or no face has a box.
   */
  static void overlay(StringBuilder b, FrameView f) {
    List<FaceView> boxed = f.faces().stream().filter(face -> face.box() != null).toList();
    if (boxed.isEmpty() || f.width() <= 0 || f.height() <= 0) {
      return;
    }
    b.append("<svg class=\"overlay\" viewBox=\"0 0 ").append(f.width()).append(' ')
        .append(f.height()).append("\" preserveAspectRatio=\"none\">");
    List<FaceView> mapped = boxed.stream().filter(face -> face.heatmap() != null).toList();
    if (!mapped.isEmpty()) {
      b.append("<g class=\"heatmap\" opacity=\"0.5\">");
      for (FaceView face : mapped) {
        heatmap(b, f, face);
      }
      b.append("</g>");
    }
    int stroke = Math.max(2, Math.max(f.width(), f.height()) / 300);
    for (FaceView face : boxed) {
      Box box = face.box();
      b.append("<rect class=\"face\" data-face=\"").append(face.faceIndex()).append("\" x=\"")
          .append(box.x()).append("\" y=\"").append(box.y()).append("\" width=\"")
          .append(box.width()).append("\" height=\"").append(box.height())
          .append("\" stroke-width=\"").append(stroke).append("\"/>");
    }
    b.append("</svg>");
  }

  /** One face's grid, laid over the part of the frame the model's input came from. */
  private static void heatmap(StringBuilder b, FrameView f, FaceView face) {
    Heatmap h = face.heatmap();
    // The grid covers the model's input: the box grown by the crop margin and clamped to the
    // frame (the region), scaled into a square and centred on it. Back in frame pixels that is
    // a square of the region's longer side centred on the region; cells over the square's
    // padding are clipped off.
    Box region = cropRegion(face.box(), f.width(), f.height(), f.cropMargin());
    double side = Math.max(region.width(), region.height());
    double left = region.x() - (side - region.width()) / 2.0;
    double top = region.y() - (side - region.height()) / 2.0;
    double cw = side / h.cols();
    double ch = side / h.rows();
    String clip = "clip-" + f.frameIndex() + "-" + face.faceIndex();
    b.append("<clipPath id=\"").append(clip).append("\"><rect x=\"").append(region.x())
        .append("\" y=\"").append(region.y()).append("\" width=\"").append(region.width())
        .append("\" height=\"").append(region.height()).append("\"/></clipPath><g clip-path=")
        .append("\"url(#").append(clip).append(")\">");
    for (int r = 0; r < h.rows(); r++) {
      for (int c = 0; c < h.cols(); c++) {
        float value = Math.max(0, Math.min(1, h.values()[r * h.cols() + c]));
        b.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\""
            + " width=\"%.1f\" height=\"%.1f\" fill=\"#ff2000\" fill-opacity=\"%.2f\"/>",
            left + c * cw, top + r * ch, cw, ch, value));
      }
    }
    b.append("</g>");
  }

  /** The part of the frame a face's crop shows, as the extraction stage cuts it. */
  static Box cropRegion(Box box, int frameWidth, int frameHeight, double margin) {
    int[] r = FaceCropper.region(box.x(), box.y(), box.width(), box.height(), frameWidth,
        frameHeight, margin);
    return new Box(r[0], r[1], r[2], r[3]);
  }

  private static void decision(StringBuilder b, String id, String csrf, Model model) {
    b.append("<h2>Decision</h2>");
    ReviewDecision d = model.decision();
    if (d != null) {
      b.append("<p id=\"decided\">Decided <strong>").append(d.getDecision()).append("</strong> by ")
          .append(Html.text(d.getReviewer())).append(" at ").append(Html.time(d.getDecidedAt()))
          .append(d.getNote() == null ? "" : ": " + Html.text(d.getNote()))
          .append(". A new decision replaces it.</p>");
    }
    b.append("<form method=\"post\" class=\"decide\" id=\"decide\" action=\"/cases/")
        .append(Html.url(id)).append("/decision\">").append(Pages.csrfField(csrf))
        .append("<input type=\"hidden\" name=\"form\" value=\"").append(Html.text(model.formToken()))
        .append("\"><input type=\"hidden\" name=\"decision\" id=\"decision\" value=\"\">")
        .append("<p><label>Note (optional)<br><textarea name=\"note\" id=\"note\" rows=\"3\"")
        .append(" maxlength=\"").append(ReviewServer.MAX_NOTE_CHARS).append("\"></textarea>")
        .append("</label></p><p>");
    for (String[] choice : new String[][] {{"ALLOW", "a"}, {"BLOCK", "b"}, {"ESCALATE", "e"}}) {
      b.append("<button type=\"submit\" name=\"decision\" value=\"").append(choice[0])
          .append("\" id=\"decide-").append(choice[0]).append("\">").append(choice[0])
          .append(" <kbd>").append(choice[1]).append("</kbd></button>");
    }
    b.append("</p><p>Keys: <kbd>a</kbd> allow, <kbd>b</kbd> block, <kbd>e</kbd> escalate")
        .append(" (outside the note).</p></form>");
  }

  private static String script(String nonce) {
    return "<script nonce=\"" + nonce + "\">"
        + "(function(){var form=document.getElementById('decide');"
        + "var keys={a:'ALLOW',b:'BLOCK',e:'ESCALATE'};var sent=false;"
        + "document.addEventListener('keydown',function(ev){"
        + "if(sent||ev.ctrlKey||ev.metaKey||ev.altKey)return;"
        // Letters typed into the note are text; on the opacity slider they are shortcuts.
        + "var t=ev.target;if(t&&(t.tagName==='TEXTAREA'"
        + "||(t.tagName==='INPUT'&&t.type!=='range')))return;"
        + "var d=keys[ev.key];if(!d)return;ev.preventDefault();sent=true;"
        + "form.querySelectorAll('button[name=decision]').forEach(function(x){x.disabled=true;});"
        + "document.getElementById('decision').value=d;form.submit();});"
        + "var s=document.getElementById('heatmap-opacity');if(s){s.addEventListener('input',"
        + "function(){document.querySelectorAll('g.heatmap').forEach(function(h){"
        + "h.setAttribute('opacity',s.value/100);});});}})();</script>";
  }

  private static String row(String name, Object value) {
    return "<tr><th>" + Html.text(name) + "</th><td>" + Html.text(value) + "</td></tr>";
  }
}
