package dev.deepscreen.trainer.pytorch;

import java.io.IOException;

/**
 * A checkpoint cannot be read: it is not a PyTorch checkpoint, it is damaged, it asks for
 * something this reader refuses (a global outside the allow-list, a whole module object), or it
 * goes past a {@link CheckpointLimits limit}. The message names the problem and where it is: the
 * key, the archive entry or the byte offset.
 */
public final class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  CheckpointException(String message) {
    super(message);
  }

  CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
