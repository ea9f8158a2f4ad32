package dev.deepscreen.streams.review;

import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verdicts and decisions the server has read, by event id, as the compacted topics keep
 * them: the latest record of an event replaces the earlier one, and a tombstone removes it. A
 * case is decided while a decision exists for its event; decided cases leave the queue.
 */
final class CaseIndex {

  /** Undecided cases per verdict action, and decided cases. */
  record Counts(Map<ModerationAction, Integer> pending, int decided) {}

  private final Map<String, Verdict> verdicts = new HashMap<>();
  private final Map<String, ReviewDecision> decisions = new HashMap<>();

  synchronized void verdict(String eventId, Verdict verdict) {
    if (verdict == null) {
      verdicts.remove(eventId);
    } else {
      verdicts.put(eventId, verdict);
    }
  }

  synchronized void decision(String eventId, ReviewDecision decision) {
    if (decision == null) {
      decisions.remove(eventId);
    } else {
      decisions.put(eventId, decision);
    }
  }

  synchronized Optional<Verdict> verdict(String eventId) {
    return Optional.ofNullable(verdicts.get(eventId));
  }

  synchronized Optional<ReviewDecision> decision(String eventId) {
    return Optional.ofNullable(decisions.get(eventId));
  }

  /**
   * Cases oldest first: undecided ones with verdict action {@code action}, or with {@code
   * action} null the decided ones; {@code search}, when not blank, must occur in the video id or
   * the event id (ignoring case).
   */
  synchronized List<Verdict> queue(ModerationAction action, String search, int limit) {
    String needle = search == null ? "" : search.trim().toLowerCase(Locale.ROOT);
    return verdicts.entrySet().stream()
        .filter(e -> (action == null) == decisions.containsKey(e.getKey()))
        .map(Map.Entry::getValue)
        .filter(v -> action == null || v.getAction() == action)
        .filter(v -> needle.isEmpty()
            || v.getVideoId().toLowerCase(Locale.ROOT).contains(needle)
            || v.getEventId().toString().contains(needle))
        .sorted(Comparator.comparing(Verdict::getSubmittedAt)
            .thenComparing(v -> v.getEventId().toString()))
        .limit(limit).toList();
  }

  synchronized Counts counts() {
    Map<ModerationAction, Integer> pending = new EnumMap<>(ModerationAction.class);
    for (ModerationAction action : ModerationAction.values()) {
      pending.put(action, 0);
    }
    int decided = 0;
    for (Map.Entry<String, Verdict> entry : verdicts.entrySet()) {
      if (decisions.containsKey(entry.getKey())) {
        decided++;
      } else {
        pending.merge(entry.getValue().getAction(), 1, Integer::sum);
      }
    }
    return new Counts(pending, decided);
  }
}
