package dev.deepscreen.core.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One opened video file: the demuxer restricted to the local file and the allowed containers,
 * its first video stream (every other stream is discarded unread), and, once asked for, a decoder
 * for it. Owns the FFmpeg contexts, the packet and the frame; closing twice is harmless, use
 * after close fails.
 */
final class MediaInput implements AutoCloseable {

  /** {@code AVERROR(EAGAIN)} on Linux, the only platform whose natives the build ships. */
  static final int AVERROR_EAGAIN = -11;

  private AVFormatContext format;
  private AVCodecContext decoder;
  private AVPacket packet;
  private AVFrame frame;
  private final AVStream stream;
  private final int streamIndex;
  // Read once: each read of a struct field by value allocates a native copy.
  private final int timeBaseNum;
  private final int timeBaseDen;
  private final long startTime;
  private final double frameRate;

  private MediaInput(AVFormatContext format, int streamIndex) {
    this.format = format;
    this.streamIndex = streamIndex;
    this.stream = streamIndex < 0 ? null : format.streams(streamIndex);
    if (stream == null) {
      timeBaseNum = 1;
      timeBaseDen = 1;
      startTime = 0;
      frameRate = 0;
    } else {
      try (AVRational base = stream.time_base(); AVRational average = stream.avg_frame_rate();
          AVRational real = stream.r_frame_rate()) {
        timeBaseNum = base.num();
        timeBaseDen = base.den() == 0 ? 1 : base.den();
        startTime = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
        AVRational rate = average.num() > 0 && average.den() > 0 ? average : real;
        frameRate = rate.num() > 0 && rate.den() > 0 ? (double) rate.num() / rate.den() : 0;
      }
    }
    this.packet = av_packet_alloc();
    this.frame = av_frame_alloc();
  }

  /**
   * Opens {@code file} with the demuxer allowed only the {@code file} protocol and the given
   * container formats, so that a playlist or script naming other files or URLs cannot be
   * followed.
   *
   * @throws FFmpegException when FFmpeg cannot open the file as one of the formats
   */
  static MediaInput open(Path file, List<String> formats) throws FFmpegException {
    AVFormatContext format = new AVFormatContext(null);
    AVDictionary options = new AVDictionary(null);
    try {
      av_dict_set(options, "protocol_whitelist", "file", 0);
      av_dict_set(options, "format_whitelist", String.join(",", formats), 0);
      check(avformat_open_input(format, file.toAbsolutePath().toString(), null, options),
          "open the file");
    } finally {
      av_dict_free(options);
    }
    MediaInput input = null;
    try {
      check(avformat_find_stream_info(format, (PointerPointer<?>) null), "read the streams");
      int index = -1;
      for (int i = 0; i < format.nb_streams(); i++) {
        AVStream stream = format.streams(i);
        if (index < 0 && stream.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
          index = i;
        } else {
          stream.discard(AVDISCARD_ALL); // the demuxer skips these packets
        }
      }
      input = new MediaInput(format, index);
      return input;
    } finally {
      if (input == null) {
        avformat_close_input(format);
      }
    }
  }

  boolean hasVideo() {
    return stream != null;
  }

  String formatName() {
    return live().iformat().name().getString();
  }

  String codecName() {
    return avcodec_get_name(parameters().codec_id()).getString();
  }

  int width() {
    return parameters().width();
  }

  int height() {
    return parameters().height();
  }

  /** The container's duration in microseconds, or -1. */
  long durationMicros() {
    long duration = live().duration();
    return duration > 0 ? duration : -1;
  }

  /** The average frame rate the stream declares, or 0. */
  double frameRate() {
    live();
    return frameRate;
  }

  /** The frame count the container declares, or -1. */
  long declaredFrames() {
    live();
    long frames = stream.nb_frames();
    return frames > 0 ? frames : -1;
  }

  /** Milliseconds from the stream's start to {@code pts}, or -1 for a missing timestamp. */
  long millis(long pts) {
    live();
    if (pts == AV_NOPTS_VALUE) {
      return -1;
    }
    return Math.round((pts - startTime) * 1000.0 * timeBaseNum / timeBaseDen);
  }

  /**
   * The counter-clockwise rotation of the stream's display matrix, in degrees, or 0 without
   * one.
   */
  double displayRotation() {
    AVCodecParameters parameters = parameters();
    AVPacketSideData side = av_packet_side_data_get(parameters.coded_side_data(),
        parameters.nb_coded_side_data(), AV_PKT_DATA_DISPLAYMATRIX);
    if (side == null || side.isNull() || side.size() < 9 * 4) {
      return 0;
    }
    double rotation = av_display_rotation_get(new IntPointer(side.data()));
    return Double.isNaN(rotation) ? 0 : rotation;
  }

  /**
   * Reads the next packet of the video stream into {@link #packet()}, dropping the previous one.
   *
   * @return false at the end of the file
   */
  boolean readVideoPacket() throws FFmpegException {
    live();
    while (true) {
      av_packet_unref(packet);
      int result = av_read_frame(format, packet);
      if (result == AVERROR_EOF()) {
        return false;
      }
      check(result, "read the file");
      if (packet.stream_index() == streamIndex) {
        return true;
      }
    }
  }

  /** The packet last read. */
  AVPacket packet() {
    live();
    return packet;
  }

  /**
   * Opens the decoder of the video stream.
   *
   * @param threads decoding threads, 0 for FFmpeg's choice
   * @param maxPixels largest picture the decoder accepts, in case the bitstream disagrees with
   *     its container
   */
  void openDecoder(int threads, long maxPixels) throws FFmpegException {
    live();
    AVCodec codec = avcodec_find_decoder(parameters().codec_id());
    if (codec == null || codec.isNull()) {
      throw new FFmpegException("FFmpeg has no decoder for the codec " + codecName());
    }
    decoder = avcodec_alloc_context3(codec);
    check(avcodec_parameters_to_context(decoder, parameters()), "set up the decoder");
    try (AVRational base = stream.time_base()) {
      decoder.pkt_timebase(base);
    }
    AVDictionary options = new AVDictionary(null);
    try {
      av_dict_set(options, "threads", threads == 0 ? "auto" : Integer.toString(threads), 0);
      av_dict_set(options, "max_pixels", Long.toString(maxPixels), 0);
      check(avcodec_open2(decoder, codec, options), "open the " + codecName() + " decoder");
    } finally {
      av_dict_free(options);
    }
  }

  /** The threads the decoder really uses (FFmpeg resolves "auto" when it opens). */
  int decoderThreads() {
    return decoder().thread_count();
  }

  /**
   * Sends the packet last read to the decoder.
   *
   * @param skipFrame the decoder's {@code AVDISCARD_*} level for this packet: which frames it may
   *     drop without decoding them
   * @return false when the decoder must first give back frames ({@link #receive()}) before it
   *     takes this packet
   */
  boolean send(int skipFrame) throws FFmpegException {
    AVCodecContext codec = decoder();
    codec.skip_frame(skipFrame);
    int result = avcodec_send_packet(codec, packet);
    if (result == AVERROR_EAGAIN) {
      return false;
    }
    if (result < 0) {
      throw new FFmpegException("FFmpeg cannot decode the video: " + message(result));
    }
    return true;
  }

  /** Tells the decoder the input has ended, so that it gives back the frames it still holds. */
  void sendEnd() throws FFmpegException {
    int result = avcodec_send_packet(decoder(), null);
    if (result < 0 && result != AVERROR_EOF()) {
      throw new FFmpegException("FFmpeg cannot finish decoding: " + message(result));
    }
  }

  /**
   * Takes the next decoded frame into {@link #frame()}, dropping the previous one.
   *
   * @return false when the decoder needs more input, or has given back everything after
   *     {@link #sendEnd()}
   */
  boolean receive() throws FFmpegException {
    AVCodecContext codec = decoder();
    av_frame_unref(frame);
    int result = avcodec_receive_frame(codec, frame);
    if (result == AVERROR_EAGAIN || result == AVERROR_EOF()) {
      return false;
    }
    if (result < 0) {
      throw new FFmpegException("FFmpeg cannot decode the video: " + message(result));
    }
    return true;
  }

  /** Empties the decoder, ready to start again at a keyframe, also after {@link #sendEnd()}. */
  void flush() {
    avcodec_flush_buffers(decoder());
  }

  /** The frame last received. */
  AVFrame frame() {
    live();
    return frame;
  }

  private AVCodecContext decoder() {
    live();
    if (decoder == null) {
      throw new IllegalStateException("The decoder is not open");
    }
    return decoder;
  }

  private AVCodecParameters parameters() {
    live();
    return stream.codecpar();
  }

  private AVFormatContext live() {
    if (format == null) {
      throw new IllegalStateException("The media input is closed");
    }
    return format;
  }

  private static void check(int result, String what) throws FFmpegException {
    if (result < 0) {
      throw new FFmpegException("FFmpeg cannot " + what + ": " + message(result));
    }
  }

  static String message(int error) {
    byte[] text = new byte[256];
    if (av_strerror(error, text, text.length) < 0) {
      return "error " + error;
    }
    int end = 0;
    while (end < text.length && text[end] != 0) {
      end++;
    }
    return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (format == null) {
      return;
    }
    av_packet_free(packet);
    av_frame_free(frame);
    if (decoder != null) {
      avcodec_free_context(decoder);
      decoder = null;
    }
    avformat_close_input(format);
    format = null;
    packet = null;
    frame = null;
  }

  /** A failure FFmpeg reported, with its message. */
  static final class FFmpegException extends Exception {
    private static final long serialVersionUID = 1L;

    FFmpegException(String message) {
      super(message);
    }
  }
}
