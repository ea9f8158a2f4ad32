package dev.deepscreen.streams.review;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits password guessing: after {@code maxFailures} failed logins within {@code window} for one
 * reviewer name, or from one remote address, further attempts for that name or from that address
 * are refused, without checking the password, until the oldest of those failures is older than
 * the window. A successful login clears its name's failures, not its address's (a reviewer who
 * knows one password must not reset the count that limits guesses at another's).
 *
 * <p>An attempt counts as failed from the moment it starts ({@link #begin}) until {@link
 * #succeeded} takes it back, so requests that check passwords at the same time cannot together
 * exceed the limit. Memory is bounded: at most {@code maxEntries} names and as many addresses are
 * tracked, each with at most {@code maxFailures} times; when a table is full, entries whose
 * failures have all expired go first, then the least recently failed.
 */
final class LoginThrottle {

  /** Entries tracked per table (names, addresses) by default. */
  static final int DEFAULT_MAX_ENTRIES = 10_000;

  private final int maxFailures;
  private final long windowMillis;
  private final int maxEntries;
  private final Clock clock;
  private final Table names = new Table();
  private final Table addresses = new Table();

  LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this(maxFailures, window, DEFAULT_MAX_ENTRIES, clock);
  }

  LoginThrottle(int maxFailures, Duration window, int maxEntries, Clock clock) {
    if (maxFailures < 1 || window.isNegative() || window.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("maxFailures, window and maxEntries must be positive");
    }
    this.maxFailures = maxFailures;
    this.windowMillis = window.toMillis();
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * A login attempt: either refused, with the time until the name and address may try again, or
   * allowed and counted as a failure until {@link #succeeded} takes it back.
   */
  static final class Attempt {
    private final String name;
    private final String address;
    private final long at;
    private final Duration retryAfter;

    private Attempt(String name, String address, long at, Duration retryAfter) {
      this.name = name;
      this.address = address;
      this.at = at;
      this.retryAfter = retryAfter;
    }

    boolean allowed() {
      return retryAfter == null;
    }

    /** How long until this name and address may try again; empty when allowed. */
    Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /**
   * Starts an attempt for {@code name} (null, or a name no reviewer can have, counts for the
   * address only) from {@code address}.
   */
  synchronized Attempt begin(String name, String address) {
    long now = clock.millis();
    String nameKey = name != null && Reviewers.isPossibleName(name) ? name : null;
    long unlock = Math.max(names.unlockAt(nameKey, now), addresses.unlockAt(address, now));
    if (unlock > now) {
      return new Attempt(nameKey, address, now, Duration.ofMillis(unlock - now));
    }
    names.fail(nameKey, now);
    addresses.fail(address, now);
    return new Attempt(nameKey, address, now, null);
  }

  /** The attempt's password was right: its name's failures are cleared, its own taken back. */
  synchronized void succeeded(Attempt attempt) {
    if (!attempt.allowed()) {
      throw new IllegalArgumentException("a refused attempt cannot succeed");
    }
    names.clear(attempt.name);
    addresses.takeBack(attempt.address, attempt.at);
  }

  /** Whether the attempt's name or address is refused from now on, for logging. */
  synchronized boolean locked(Attempt attempt) {
    long now = clock.millis();
    return names.unlockAt(attempt.name, now) > now
        || addresses.unlockAt(attempt.address, now) > now;
  }

  /** Names and addresses tracked, for tests. */
  synchronized int size() {
    return names.entries.size() + addresses.entries.size();
  }

  /** The recent failures of one name or address, oldest first. */
  private final class Failures {
    private final long[] times = new long[maxFailures];
    private int count;

    void expire(long now) {
      int expired = 0;
      while (expired < count && times[expired] <= now - windowMillis) {
        expired++;
      }
      if (expired > 0) {
        System.arraycopy(times, expired, times, 0, count - expired);
        count -= expired;
      }
    }

    void add(long time) {
      if (count == times.length) {
        System.arraycopy(times, 1, times, 0, count - 1);
        count--;
      }
      times[count++] = time;
    }

    void remove(long time) {
      for (int i = count - 1; i >= 0; i--) {
        if (times[i] == time) {
          System.arraycopy(times, i + 1, times, i, count - i - 1);
          count--;
          return;
        }
      }
    }

    long newest() {
      return times[count - 1];
    }
  }

  /** Failures by key, least recently failed first. */
  private final class Table {
    private final Map<String, Failures> entries = new LinkedHashMap<>();

    /** When the key may try again: a time after {@code now} while it is locked. */
    long unlockAt(String key, long now) {
      Failures failures = key == null ? null : entries.get(key);
      if (failures == null) {
        return now;
      }
      failures.expire(now);
      if (failures.count == 0) {
        entries.remove(key);
        return now;
      }
      return failures.count >= maxFailures ? failures.times[0] + windowMillis : now;
    }

    void fail(String key, long now) {
      if (key == null) {
        return;
      }
      Failures failures = entries.remove(key); // put back last: the most recently failed
      if (failures == null) {
        makeRoom(now);
        failures = new Failures();
      }
      failures.add(now);
      entries.put(key, failures);
    }

    void clear(String key) {
      if (key != null) {
        entries.remove(key);
      }
    }

    void takeBack(String key, long time) {
      Failures failures = key == null ? null : entries.get(key);
      if (failures != null) {
        failures.remove(time);
        if (failures.count == 0) {
          entries.remove(key);
        }
      }
    }

    private void makeRoom(long now) {
      if (entries.size() < maxEntries) {
        return;
      }
      entries.values().removeIf(f -> f.newest() <= now - windowMillis);
      Iterator<Failures> leastRecent = entries.values().iterator();
      while (entries.size() >= maxEntries && leastRecent.hasNext()) {
        leastRecent.next();
        leastRecent.remove();
      }
    }
  }
}
