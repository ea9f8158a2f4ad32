package dev.deepscreen.core.media;

/**
 * A video that cannot be screened, and why. {@link Kind} maps one to one onto the extraction
 * summary's statuses; the message says what a user can do about it.
 */
public class VideoException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a video could not be screened. */
  public enum Kind {
    /** Refused by policy: source not allowed, format not allowed, over a size limit. */
    REJECTED,
    /** Not a readable video: empty, corrupt, truncated before any frame, no video stream. */
    UNREADABLE,
    /** Reading took longer than the video's time budget. */
    TIMED_OUT
  }

  private final Kind kind;

  public VideoException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public VideoException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
