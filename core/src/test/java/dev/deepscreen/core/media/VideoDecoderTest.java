package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.VideoException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VideoDecoderTest {

  @TempDir
  Path dir;

  private final VideoDecoder decoder = new VideoDecoder(DecodeLimits.DEFAULTS);

  private record Sampled(int index, long timestampMs, int width, int height) {}

  private List<Sampled> sample(Path file, int frames) throws VideoException {
    List<Sampled> seen = new ArrayList<>();
    decoder.sample(file, frames, (index, ts, bgr) -> seen.add(
        new Sampled(index, ts, bgr.cols(), bgr.rows())));
    return seen;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void samplesTheReferenceIndicesOfRealVideo(Codec codec) throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("clip." + codec.extension()), "sample3.jpg",
        codec, 320, 180, 90, 30, 0);
    List<Sampled> seen = new ArrayList<>();
    DecodedVideo video = decoder.sample(clip, 32, (index, ts, bgr) -> seen.add(
        new Sampled(index, ts, bgr.cols(), bgr.rows())));

    assertThat(seen).extracting(Sampled::index)
        .containsExactlyElementsOf(Arrays.stream(FrameSampling.indices(90, 32)).boxed().toList());
    assertThat(seen).allSatisfy(s -> {
      assertThat(s.width()).isEqualTo(320);
      assertThat(s.height()).isEqualTo(180);
      assertThat(s.timestampMs()).isCloseTo(Math.round(s.index() * 1000 / 30.0),
          org.assertj.core.data.Offset.offset(2L));
    });
    assertThat(video.frameCount()).isEqualTo(90);
    assertThat(video.framesDecoded()).isEqualTo(90);
    assertThat(video.framesSampled()).isEqualTo(32);
    assertThat(video.width()).isEqualTo(320);
    assertThat(video.videoCodec()).isIn("h264", "mpeg4");
  }

  /** Index and CRC-32 of the pixels of each sampled frame. */
  private static List<String> fingerprints(VideoDecoder decoder, Path clip, int frames,
      long[] decoded) throws VideoException {
    List<String> seen = new ArrayList<>();
    DecodedVideo video = decoder.sample(clip, frames, (index, ts, bgr) -> {
      byte[] row = new byte[(int) (bgr.cols() * bgr.elemSize())];
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      for (int y = 0; y < bgr.rows(); y++) {
        bgr.ptr(y).get(row);
        crc.update(row);
      }
      seen.add(index + ":" + Long.toHexString(crc.getValue()));
    });
    decoded[0] = video.framesDecoded();
    return seen;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void skippingUnsampledFramesHandsOverTheSamePixelsAsDecodingEveryFrame(Codec codec)
      throws Exception {
    // Two B-frames in a row (where the codec has them) and a keyframe every 12 frames.
    Path clip = SampleClips.panningClip(dir.resolve("b." + codec.extension()), "sample5.jpg",
        codec, 320, 180, 150, 30, 0, 12, 2);
    VideoDecoder everyFrame = new VideoDecoder(DecodeLimits.DEFAULTS, 1, false);
    VideoDecoder skipping = new VideoDecoder(DecodeLimits.DEFAULTS, 1, true);
    VideoDecoder threaded = new VideoDecoder(DecodeLimits.DEFAULTS, 3, true);
    for (int frames : new int[] {32, 7, 2}) {
      long[] all = {0};
      long[] skipped = {0};
      long[] skippedThreaded = {0};
      List<String> expected = fingerprints(everyFrame, clip, frames, all);
      assertThat(expected).as("%s frames", frames).extracting(f -> f.substring(0, f.indexOf(':')))
          .containsExactlyElementsOf(Arrays.stream(FrameSampling.indices(150, frames))
              .mapToObj(Integer::toString).toList());
      assertThat(fingerprints(skipping, clip, frames, skipped)).as("%s frames", frames)
          .containsExactlyElementsOf(expected);
      assertThat(fingerprints(threaded, clip, frames, skippedThreaded)).as("%s frames", frames)
          .containsExactlyElementsOf(expected);
      assertThat(all[0]).isEqualTo(150);
      assertThat(skipped[0]).isLessThanOrEqualTo(all[0]);
    }
  }

  @Test
  void bFramesThatAreNotSampledAreNotDecoded() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("b.mkv"), "sample5.jpg", Codec.MPEG4_MKV,
        320, 180, 150, 30, 0, 150, 2);
    DecodedVideo video = new VideoDecoder(DecodeLimits.DEFAULTS).sample(clip, 32,
        (index, ts, bgr) -> { });
    // Two of every three frames are B-frames that no frame refers to; 32 of 150 are sampled.
    assertThat(video.framesSampled()).isEqualTo(32);
    assertThat(video.framesDecoded()).isBetween(60L, 100L);
  }

  @Test
  void framesBeforeAKeyframeThatPrecedesTheNextSampleAreNotDecoded() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("long.mp4"), "sample2.jpg", Codec.H264_MP4,
        160, 90, 300, 30, 0, 10, 0);
    List<Sampled> seen = new ArrayList<>();
    DecodedVideo video = decoder.sample(clip, 4, (index, ts, bgr) -> seen.add(
        new Sampled(index, ts, bgr.cols(), bgr.rows())));
    assertThat(seen).extracting(Sampled::index).containsExactly(0, 99, 199, 299);
    // From each keyframe before a sampled frame: 1 + 10 + 10 + 10 frames at most.
    assertThat(video.framesDecoded()).isLessThanOrEqualTo(31);
  }

  @Test
  void rotationMetadataTurnsFramesUpright() throws Exception {
    // A display matrix of 90 degrees counter-clockwise: shown upright after a quarter turn.
    Path clip = SampleClips.panningClip(dir.resolve("rotated.mp4"), "sample1.jpg",
        Codec.H264_MP4, 320, 180, 10, 30, 90);
    List<Sampled> seen = new ArrayList<>();
    DecodedVideo video = decoder.sample(clip, 4, (index, ts, bgr) -> seen.add(
        new Sampled(index, ts, bgr.cols(), bgr.rows())));
    assertThat(video.rotationDegrees()).isEqualTo(270);
    assertThat(video.width()).isEqualTo(180);
    assertThat(seen).allSatisfy(s -> assertThat(s.width()).isEqualTo(180));
  }

  @Test
  void aVideoShorterThanTheSampleGivesEachFrameOnce() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("one.mp4"), "sample1.jpg", Codec.H264_MP4,
        64, 64, 1, 30, 0);
    assertThat(sample(clip, 32)).extracting(Sampled::index).containsExactly(0);
  }

  @Test
  void anEmptyFileIsUnreadable() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    assertThatThrownBy(() -> sample(empty, 32)).isInstanceOf(VideoException.class)
        .hasMessage("The video file is empty")
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.UNREADABLE));
  }

  @Test
  void aTextFileNamedMp4IsUnreadableOrRejected() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.mp4"), "just some words\n".repeat(100));
    assertThatThrownBy(() -> sample(text, 32)).isInstanceOf(VideoException.class)
        .satisfies(e -> assertThat(((VideoException) e).kind())
            .isIn(Kind.UNREADABLE, Kind.REJECTED));
  }

  @Test
  void aTruncatedFileGivesWhatItHasOrIsUnreadable() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("full.avi"), "sample2.jpg", Codec.MPEG4_AVI,
        320, 180, 60, 30, 0);
    byte[] bytes = Files.readAllBytes(clip);
    Path head = Files.write(dir.resolve("head.avi"), Arrays.copyOf(bytes, bytes.length / 2));
    Path tiny = Files.write(dir.resolve("tiny.mp4"), Arrays.copyOf(bytes, 200));
    // AVI keeps its index at the end: half a file still decodes, with fewer frames.
    List<Sampled> seen = sample(head, 32);
    assertThat(seen).isNotEmpty().hasSizeLessThanOrEqualTo(32);
    assertThatThrownBy(() -> sample(tiny, 32)).isInstanceOf(VideoException.class)
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.UNREADABLE));
  }

  @Test
  void anHlsPlaylistPointingAtALocalFileIsRejectedUnread() throws Exception {
    Path playlist = Files.writeString(dir.resolve("evil.mp4"), "#EXTM3U\n"
        + "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
    assertThatThrownBy(() -> sample(playlist, 32)).isInstanceOf(VideoException.class)
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.REJECTED))
        .hasMessageContaining("a playlist or a script naming other files");
  }

  @Test
  void anFfconcatScriptPointingAtALocalFileIsRejectedUnread() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("real.mp4"), "sample2.jpg", Codec.H264_MP4,
        64, 64, 5, 30, 0);
    Path script = Files.writeString(dir.resolve("evil.avi"),
        "ffconcat version 1.0\nfile '" + clip + "'\nfile '/etc/passwd'\n");
    assertThatThrownBy(() -> sample(script, 32)).isInstanceOf(VideoException.class)
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.REJECTED));
  }

  @Test
  void limitsRejectOversizedVideosBeforeDecoding() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("big.avi"), "sample2.jpg", Codec.MPEG4_AVI,
        640, 360, 3, 30, 0);
    VideoDecoder strict = new VideoDecoder(new DecodeLimits(1L << 30, Duration.ofMinutes(1), 320,
        320, 1000, Duration.ofMinutes(1), DecodeLimits.DEFAULT_FORMATS));
    assertThatThrownBy(() -> strict.sample(clip, 32, (i, t, m) -> { }))
        .isInstanceOf(VideoException.class)
        .hasMessage("The video is 640x360, larger than the limit of 320x320");
    VideoDecoder small = new VideoDecoder(new DecodeLimits(1000, Duration.ofMinutes(1), 4000,
        4000, 1000, Duration.ofMinutes(1), DecodeLimits.DEFAULT_FORMATS));
    assertThatThrownBy(() -> small.sample(clip, 32, (i, t, m) -> { }))
        .isInstanceOf(VideoException.class).hasMessageContaining("more than the limit of 1000");
  }

  @Test
  void anAudioOnlyFileHasNoVideoStream() throws Exception {
    Path audio = dir.resolve("voice.mp4");
    try (org.bytedeco.javacv.FFmpegFrameRecorder recorder =
        new org.bytedeco.javacv.FFmpegFrameRecorder(audio.toFile(), 1)) {
      recorder.setFormat("mp4");
      recorder.setAudioCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC);
      recorder.setSampleRate(16_000);
      recorder.start();
      recorder.recordSamples(java.nio.ShortBuffer.wrap(new short[16_000]));
      recorder.stop();
    }
    assertThatThrownBy(() -> sample(audio, 32)).isInstanceOf(VideoException.class)
        .hasMessage("The file has no video stream")
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.UNREADABLE));
  }

  @Test
  void aTinyVideoDecodes() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("tiny.avi"), "sample4.jpg", Codec.MPEG4_AVI,
        16, 16, 8, 30, 0);
    assertThat(sample(clip, 32)).hasSize(8).allSatisfy(s -> assertThat(s.width()).isEqualTo(16));
  }

  @Test
  void an8kVideoIsRejectedByTheDefaultLimits() throws Exception {
    Path clip = SampleClips.panningClip(dir.resolve("8k.avi"), "sample4.jpg", Codec.MPEG4_AVI,
        7680, 4320, 1, 30, 0);
    assertThatThrownBy(() -> sample(clip, 32)).isInstanceOf(VideoException.class)
        .hasMessage("The video is 7680x4320, larger than the limit of 3840x2160")
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(Kind.REJECTED));
  }
}
