package dev.deepscreen.trainer.pytorch;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a file or an archive entry of known length front to back, counting the position, and
 * checks every length that the data claims against what is left before allocating for it. A
 * window can bound reads further (one pickle's share of a legacy file).
 */
final class ByteInput {
  /** The largest array the JVM reliably allocates. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final int MAX_LINE = 4096;

  private final InputStream in;
  private final long length;
  private final String name;
  private long position;
  private long windowEnd = Long.MAX_VALUE;
  private String windowLimit;

  /**
   * @param length the bytes that {@code in} holds
   * @param name the file or entry, for messages
   */
  ByteInput(InputStream in, long length, String name) {
    this.in = in;
    this.length = length;
    this.name = name;
  }

  String name() {
    return name;
  }

  long position() {
    return position;
  }

  long remaining() {
    return Math.min(length, windowEnd) - position;
  }

  /** Bounds reads to the next {@code maxBytes}; {@code limit} names the limit for messages. */
  void openWindow(long maxBytes, String limit) {
    windowEnd = maxBytes > Long.MAX_VALUE - position ? Long.MAX_VALUE : position + maxBytes;
    windowLimit = limit;
  }

  void closeWindow() {
    windowEnd = Long.MAX_VALUE;
    windowLimit = null;
  }

  int readUnsignedByte(String what) throws CheckpointException {
    require(1, what);
    try {
      int b = in.read();
      if (b < 0) {
        throw shortRead(1, what);
      }
      position++;
      return b;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Reads {@code count} bytes; {@code what} names them for the message when they are not there. */
  byte[] readBytes(long count, String what) throws CheckpointException {
    if (count < 0) {
      throw new CheckpointException(what + " claims a negative length (" + count + ")");
    }
    require(count, what);
    try {
      byte[] bytes = in.readNBytes((int) count);
      if (bytes.length < count) {
        throw shortRead(count, what);
      }
      position += count;
      return bytes;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  long readLongLittleEndian(String what) throws CheckpointException {
    byte[] b = readBytes(8, what);
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (b[i] & 0xff);
    }
    return value;
  }

  int readIntLittleEndian(String what) throws CheckpointException {
    return (int) readUnsigned(4, what);
  }

  long readUnsigned(int byteCount, String what) throws CheckpointException {
    byte[] b = readBytes(byteCount, what);
    long value = 0;
    for (int i = byteCount - 1; i >= 0; i--) {
      value = (value << 8) | (b[i] & 0xff);
    }
    return value;
  }

  /** A newline-terminated line without its newline, as the text opcodes of pickles use. */
  String readLine(String what) throws CheckpointException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = readUnsignedByte(what);
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() == MAX_LINE) {
        throw new CheckpointException(what + " is a line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
  }

  // Messages leave out the position: callers say where the read began.
  private void require(long count, String what) throws CheckpointException {
    long inFile = length - position;
    if (count > inFile) {
      throw new CheckpointException("truncated: " + what + " needs " + count
          + (count == 1 ? " byte" : " bytes") + " but only " + inFile + " remain");
    }
    if (count > windowEnd - position) {
      throw new CheckpointException(what + " needs " + count + " bytes, past the limit "
          + windowLimit);
    }
    if (count > MAX_ARRAY) {
      throw new CheckpointException(what + " needs " + count
          + " bytes, more than one array holds");
    }
  }

  private static CheckpointException shortRead(long count, String what) {
    return new CheckpointException(
        "truncated: " + what + " needs " + count + " bytes but the data ends sooner");
  }

  private static CheckpointException failed(IOException e) {
    String reason = e instanceof EOFException ? "the data ends unexpectedly" : "read failed";
    return new CheckpointException(reason + " (" + e.getMessage() + ")", e);
  }
}
