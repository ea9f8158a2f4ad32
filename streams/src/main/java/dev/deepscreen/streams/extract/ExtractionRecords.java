package dev.deepscreen.streams.extract;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.DecodeStats;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.core.media.DecodedVideo;
import dev.deepscreen.core.media.ExtractedFace;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.VideoException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The records the extraction writes for one video: a crop per face and the summary. Shared by
 * the stream stage and the offline batch path, so both describe a video the same way.
 */
public final class ExtractionRecords {

  private ExtractionRecords() {}

  /** The summary status of a video that could not be screened. */
  public static ExtractionStatus status(VideoException.Kind kind) {
    return switch (kind) {
      case REJECTED -> ExtractionStatus.REJECTED;
      case UNREADABLE -> ExtractionStatus.UNREADABLE;
      case TIMED_OUT -> ExtractionStatus.TIMED_OUT;
    };
  }

  /** The status and reason of a video that was read: OK, or NO_FACES when no face was found. */
  public static ExtractionSummary ok(VideoEvent event, FaceExtractor.Extraction extraction,
      Instant started, Instant finished) {
    boolean faces = !extraction.faces().isEmpty();
    return summary(event, faces ? ExtractionStatus.OK : ExtractionStatus.NO_FACES,
        faces ? null : "No face found in " + extraction.video().framesSampled()
            + " sampled frames", extraction, started, finished);
  }

  /** The crop record of one face. */
  public static FaceCrop crop(VideoEvent event, ExtractedFace face, Instant extractedAt) {
    return FaceCrop.newBuilder().setEventId(event.getEventId()).setVideoId(event.getVideoId())
        .setFrameIndex(face.frameIndex()).setFrameTimeMs(face.timestampMs())
        .setFaceIndex(face.faceIndex()).setTrackId(face.trackId())
        .setBox(new BoundingBox(face.box().x(), face.box().y(), face.box().width(),
            face.box().height()))
        .setDetectorScore(face.box().score()).setCropJpeg(ByteBuffer.wrap(face.jpeg()))
        .setCropWidth(face.size()).setCropHeight(face.size()).setExtractedAt(extractedAt).build();
  }

  /**
   * The summary of one event.
   *
   * @param extraction what was read, or null when the video could not be read
   */
  public static ExtractionSummary summary(VideoEvent event, ExtractionStatus status,
      String reason, FaceExtractor.Extraction extraction, Instant started, Instant finished) {
    ExtractionSummary.Builder summary = ExtractionSummary.newBuilder()
        .setEventId(event.getEventId()).setVideoId(event.getVideoId()).setUri(event.getUri())
        .setSubmittedAt(event.getSubmittedAt()).setSource(event.getSource())
        .setTenant(event.getTenant()).setAttributes(event.getAttributes()).setStatus(status)
        .setReason(reason).setFramesSampled(0).setFacesFound(0).setCropsEmitted(0)
        .setDecode(null).setStartedAt(started).setFinishedAt(finished);
    if (extraction != null) {
      DecodedVideo video = extraction.video();
      summary.setFramesSampled(video.framesSampled()).setFacesFound(extraction.faces().size())
          .setCropsEmitted(extraction.faces().size())
          .setDecode(DecodeStats.newBuilder().setContainer(video.container())
              .setVideoCodec(video.videoCodec()).setWidth(video.width()).setHeight(video.height())
              .setRotationDegrees(video.rotationDegrees())
              .setDurationMs(video.durationMs() >= 0 ? video.durationMs() : null)
              .setFrameRate(video.frameRate() > 0 ? video.frameRate() : null)
              .setDeclaredFrameCount(video.declaredFrameCount() >= 0
                  ? video.declaredFrameCount() : null)
              .setFramesDecoded(video.framesDecoded()).setBytesRead(video.bytes())
              .setDecodeMs(video.decodeMs() - extraction.detectMs())
              .setDetectMs(extraction.detectMs()).build());
    }
    return summary.build();
  }
}
