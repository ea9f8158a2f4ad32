package dev.deepscreen.trainer.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.core.media.DecodeLimits;
import dev.deepscreen.core.media.ExtractedFace;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FaceDetector;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.VideoDecoder;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.trainer.FileTrees;
import dev.deepscreen.trainer.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The face crops of a data set's videos on disk, made by the pipeline's own extraction code
 * ({@link FaceExtractor}: the same frame sampling, detector and cropping as the extraction
 * stage), so that a model trains on exactly the pixels the scoring stage will give it.
 *
 * <p>Layout of the cache folder:
 * <pre>
 * preprocess.json          the settings the crops were made with
 * videos.json              the data set's videos: id, file, label, sources, split
 * crops/&lt;video&gt;/faces.json  one video's crops (written last: its presence marks the video done)
 * crops/&lt;video&gt;/*.jpg       the crops, JPEG, square
 * </pre>
 *
 * <p>Interrupted preprocessing resumes where it stopped: videos with a {@code faces.json} are
 * kept, half-written folders are redone. A video that cannot be read is recorded with its error
 * and no crops, and is not retried.
 */
public final class CropCache {

  /**
   * How crops are made.
   *
   * @param frames frames sampled per video
   * @param cropSize side of the square crops, pixels
   * @param margin fraction of the face box added on each side
   * @param jpegQuality JPEG quality of the stored crops
   * @param detectorThreshold least face probability kept
   */
  public record Settings(
      @JsonProperty("frames") int frames,
      @JsonProperty("crop_size") int cropSize,
      @JsonProperty("margin") double margin,
      @JsonProperty("jpeg_quality") int jpegQuality,
      @JsonProperty("detector_threshold") float detectorThreshold) {

    /** The extraction stage's defaults. */
    public static final Settings PIPELINE = new Settings(32, 380, 0.3, 90, 0.7f);

    public Settings {
      if (frames < 1 || cropSize < 16 || cropSize > 4096 || !(margin >= 0 && margin <= 2)
          || jpegQuality < 1 || jpegQuality > 100
          || !(detectorThreshold > 0 && detectorThreshold < 1)) {
        throw new IllegalArgumentException("frames >= 1, crop size in [16, 4096], margin in"
            + " [0, 2], JPEG quality in [1, 100] and a detector threshold in (0, 1) are needed");
      }
    }
  }

  /**
   * One stored crop: its file in the video's folder, the sampled frame, the face's index in the
   * frame and person track, and the detected box in frame pixels with its score.
   */
  public record Crop(
      @JsonProperty("file") String file,
      @JsonProperty("frame") int frameIndex,
      @JsonProperty("face") int faceIndex,
      @JsonProperty("track") int trackId,
      @JsonProperty("x") int x,
      @JsonProperty("y") int y,
      @JsonProperty("width") int width,
      @JsonProperty("height") int height,
      @JsonProperty("score") float score) {}

  /**
   * One video's crops, or why it has none, and the size of its (upright) frames, which places
   * each crop's face box inside the crop.
   */
  public record VideoCrops(
      @JsonProperty("error") String error,
      @JsonProperty("frame_width") int frameWidth,
      @JsonProperty("frame_height") int frameHeight,
      @JsonProperty("crops") List<Crop> crops) {}

  /** A video of the data set with its crop folder and crops. */
  public record Entry(LabelledVideo video, Path folder, VideoCrops crops) {
    public Path file(Crop crop) {
      return folder.resolve(crop.file());
    }
  }

  /**
   * Where {@code crop}'s face box lies inside the stored crop image: the pipeline's crop is the
   * box plus margins, clamped to the frame, resized so its longer side is the crop size and
   * centred ({@link FaceCropper}). The box is in crop pixels.
   */
  public FaceBox faceInCrop(VideoCrops video, Crop crop) {
    FaceCropper cropper = new FaceCropper(settings.cropSize(), settings.margin());
    FaceBox box = new FaceBox(crop.x(), crop.y(), crop.width(), crop.height(), crop.score());
    try (org.bytedeco.opencv.opencv_core.Rect region = cropper.region(box, video.frameWidth(),
        video.frameHeight())) {
      int size = settings.cropSize();
      int rw = region.width();
      int rh = region.height();
      double scale = (double) size / Math.max(rw, rh);
      // As FaceCropper.toSquare sizes and centres the region.
      int newW = rw > rh ? size : (int) (rw * scale);
      int newH = rw > rh ? (int) (rh * scale) : size;
      int left = (size - newW) / 2;
      int top = (size - newH) / 2;
      int x = (int) Math.round(left + (box.x() - region.x()) * scale);
      int y = (int) Math.round(top + (box.y() - region.y()) * scale);
      int w = Math.max(1, (int) Math.round(box.width() * scale));
      int h = Math.max(1, (int) Math.round(box.height() * scale));
      x = Math.max(0, Math.min(size - 1, x));
      y = Math.max(0, Math.min(size - 1, y));
      return new FaceBox(x, y, Math.min(w, size - x), Math.min(h, size - y), crop.score());
    }
  }

  private record StoredVideo(
      @JsonProperty("id") String id,
      @JsonProperty("path") String path,
      @JsonProperty("label") Label label,
      @JsonProperty("sources") List<String> sources,
      @JsonProperty("split") String split) {}

  private static final String SETTINGS_FILE = "preprocess.json";
  private static final String VIDEOS_FILE = "videos.json";
  private static final String FACES_FILE = "faces.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path folder;
  private final Settings settings;
  private final List<LabelledVideo> videos;

  private CropCache(Path folder, Settings settings, List<LabelledVideo> videos) {
    this.folder = folder;
    this.settings = settings;
    this.videos = List.copyOf(videos);
  }

  /**
   * Opens the cache in {@code folder} for {@code videos}, creating it if absent.
   *
   * @throws IllegalArgumentException if the folder holds a cache made with other settings or of
   *     other videos
   */
  public static CropCache create(Path folder, List<LabelledVideo> videos, Settings settings)
      throws IOException {
    Files.createDirectories(folder.resolve("crops"));
    Path settingsFile = folder.resolve(SETTINGS_FILE);
    List<StoredVideo> stored = videos.stream().map(v -> new StoredVideo(v.id(),
        v.path().toAbsolutePath().toString(), v.label(), v.sources(), v.split())).toList();
    if (Files.exists(settingsFile)) {
      Settings existing = JSON.readValue(settingsFile.toFile(), Settings.class);
      if (!existing.equals(settings)) {
        throw new IllegalArgumentException("The cache " + folder + " was made with " + existing
            + ", not " + settings + "; use another folder");
      }
      List<StoredVideo> existingVideos = List.of(JSON.readValue(
          folder.resolve(VIDEOS_FILE).toFile(), StoredVideo[].class));
      if (!existingVideos.equals(stored)) {
        throw new IllegalArgumentException("The cache " + folder + " holds another data set's"
            + " crops; use another folder");
      }
    } else {
      JSON.writeValue(folder.resolve(VIDEOS_FILE).toFile(), stored);
      JSON.writeValue(settingsFile.toFile(), settings);
    }
    return new CropCache(folder, settings, videos);
  }

  /**
   * Opens an existing cache.
   *
   * @throws IllegalArgumentException if {@code folder} is not a cache
   */
  public static CropCache open(Path folder) throws IOException {
    Path settingsFile = folder.resolve(SETTINGS_FILE);
    if (!Files.isRegularFile(settingsFile)) {
      throw new IllegalArgumentException(folder + " is not a crop cache (no " + SETTINGS_FILE
          + "); run preprocess first");
    }
    Settings settings = JSON.readValue(settingsFile.toFile(), Settings.class);
    List<LabelledVideo> videos = Stream.of(JSON.readValue(folder.resolve(VIDEOS_FILE).toFile(),
        StoredVideo[].class)).map(s -> new LabelledVideo(s.id(), Path.of(s.path()), s.label(),
        s.sources(), s.split())).toList();
    return new CropCache(folder, settings, videos);
  }

  public Settings settings() {
    return settings;
  }

  public List<LabelledVideo> videos() {
    return videos;
  }

  /** The videos not preprocessed yet. */
  public List<LabelledVideo> pending() {
    return videos.stream().filter(v -> !Files.isRegularFile(folderOf(v).resolve(FACES_FILE)))
        .toList();
  }

  /**
   * Extracts the crops of every pending video with {@code threads} extractors in parallel.
   *
   * @return the number of videos processed now
   */
  public int fill(int threads, PrintStream out, boolean interactive) throws IOException {
    List<LabelledVideo> pending = pending();
    int done = videos.size() - pending.size();
    if (pending.isEmpty()) {
      out.printf("preprocess: all %d videos already in %s%n", videos.size(), folder);
      return 0;
    }
    if (done > 0) {
      out.printf("preprocess: resuming, %d of %d videos already done%n", done, videos.size());
    }
    Progress progress = new Progress(out, "preprocess", videos.size(), interactive);
    AtomicInteger finished = new AtomicInteger(done);
    AtomicInteger faces = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int workers = Math.max(1, Math.min(threads, pending.size()));
    BlockingQueue<FaceExtractor> extractors = new ArrayBlockingQueue<>(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      for (int i = 0; i < workers; i++) {
        extractors.add(new FaceExtractor(new VideoDecoder(DecodeLimits.DEFAULTS),
            FaceDetector.ultraFace(new FaceDetector.Settings(settings.detectorThreshold(),
                0.4f, 16, 12)),
            new FaceCropper(settings.cropSize(), settings.margin()), settings.frames(),
            settings.jpegQuality()));
      }
      List<Future<?>> tasks = new ArrayList<>();
      for (LabelledVideo video : pending) {
        tasks.add(pool.submit(() -> {
          FaceExtractor extractor = extractors.take();
          try {
            VideoCrops crops = extract(extractor, video);
            faces.addAndGet(crops.crops().size());
            if (crops.error() != null) {
              failed.incrementAndGet();
            }
          } finally {
            extractors.add(extractor);
          }
          progress.update(finished.incrementAndGet(), "faces " + faces.get()
              + (failed.get() > 0 ? "  unreadable " + failed.get() : ""));
          return null;
        }));
      }
      for (Future<?> task : tasks) {
        task.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Preprocessing was interrupted; run it again to resume", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("Preprocessing failed: " + cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
      extractors.forEach(FaceExtractor::close);
    }
    return pending.size();
  }

  private VideoCrops extract(FaceExtractor extractor, LabelledVideo video) throws IOException {
    Path target = folderOf(video);
    if (Files.exists(target)) {
      FileTrees.delete(target); // half-written by an interrupted run
    }
    Files.createDirectories(target);
    VideoCrops crops;
    try {
      List<Crop> list = new ArrayList<>();
      FaceExtractor.Extraction extraction = extractor.extract(video.path());
      for (ExtractedFace face : extraction.faces()) {
        String name = String.format("f%05d-%02d.jpg", face.frameIndex(), face.faceIndex());
        Files.write(target.resolve(name), face.jpeg());
        list.add(new Crop(name, face.frameIndex(), face.faceIndex(), face.trackId(),
            face.box().x(), face.box().y(), face.box().width(), face.box().height(),
            face.box().score()));
      }
      crops = new VideoCrops(null, extraction.video().width(), extraction.video().height(),
          list);
    } catch (VideoException e) {
      crops = new VideoCrops(e.kind() + ": " + e.getMessage(), 0, 0, List.of());
    }
    Path temporary = target.resolve(FACES_FILE + ".tmp");
    JSON.writeValue(temporary.toFile(), crops);
    Files.move(temporary, target.resolve(FACES_FILE), StandardCopyOption.ATOMIC_MOVE);
    return crops;
  }

  /**
   * Every video with its crops, in id order.
   *
   * @throws IllegalStateException if some videos are not preprocessed yet
   */
  public List<Entry> entries() throws IOException {
    List<LabelledVideo> missing = pending();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " videos of " + folder + " are not"
          + " preprocessed yet (" + missing.get(0).id() + ", ...); run preprocess to finish");
    }
    List<Entry> entries = new ArrayList<>();
    for (LabelledVideo video : videos) {
      Path videoFolder = folderOf(video);
      entries.add(new Entry(video, videoFolder,
          JSON.readValue(videoFolder.resolve(FACES_FILE).toFile(), VideoCrops.class)));
    }
    return entries;
  }

  /** A readable, collision-free folder name for a video id. */
  Path folderOf(LabelledVideo video) {
    String readable = video.id().replaceAll("[^A-Za-z0-9._-]", "_");
    if (readable.length() > 80) {
      readable = readable.substring(readable.length() - 80);
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(video.id().getBytes(StandardCharsets.UTF_8));
      return folder.resolve("crops").resolve(readable + "-"
          + HexFormat.of().formatHex(hash, 0, 4));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
