package dev.deepscreen.core.inference;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The lifecycle of a model's native session, which the stream threads of a stage share: calls
 * run under the read lock, any number at once; {@link #close} takes the write lock, so it waits
 * for the calls in flight, frees the session once, and every later call is refused. No thread
 * ever runs a freed session.
 */
final class SessionGuard {

  private final String model;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by {@link #lock}. */
  private boolean closed;

  SessionGuard(String model) {
    this.model = model;
  }

  /**
   * Runs {@code call} on the open session.
   *
   * @throws IllegalStateException if the model is closed
   */
  <T> T call(Supplier<T> call) {
    Lock shared = lock.readLock();
    shared.lock();
    try {
      if (closed) {
        throw new IllegalStateException("Model " + model + " is closed");
      }
      return call.get();
    } finally {
      shared.unlock();
    }
  }

  /** Frees the session with {@code release} once the calls in flight return; safe twice. */
  void close(Runnable release) {
    Lock exclusive = lock.writeLock();
    exclusive.lock();
    try {
      if (!closed) {
        closed = true;
        release.run();
      }
    } finally {
      exclusive.unlock();
    }
  }
}
