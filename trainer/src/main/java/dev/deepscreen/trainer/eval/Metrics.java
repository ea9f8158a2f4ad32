package dev.deepscreen.trainer.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Binary classification figures of predicted fake-probabilities against labels (1 = fake).
 *
 * @param count examples
 * @param positives fakes among them
 * @param logLoss mean binary cross-entropy with probabilities clipped to
 *     {@code [clip, 1 - clip]}: the DFDC metric
 * @param auc area under the ROC curve (ties counted half), NaN with one class only
 * @param threshold probability at or above which an example is called fake
 * @param truePositives fakes called fake
 * @param falsePositives reals called fake
 * @param trueNegatives reals called real
 * @param falseNegatives fakes called real
 */
public record Metrics(
    @JsonProperty("count") int count,
    @JsonProperty("positives") int positives,
    @JsonProperty("log_loss") double logLoss,
    @JsonProperty("auc") double auc,
    @JsonProperty("threshold") double threshold,
    @JsonProperty("true_positives") int truePositives,
    @JsonProperty("false_positives") int falsePositives,
    @JsonProperty("true_negatives") int trueNegatives,
    @JsonProperty("false_negatives") int falseNegatives) {

  /** The clipping of the log loss, as common DFDC solutions applied it to their submissions. */
  public static final double DEFAULT_CLIP = 1e-15;

  /** A point of the ROC curve. */
  public record RocPoint(double falsePositiveRate, double truePositiveRate, double threshold) {}

  /**
   * Computes the figures.
   *
   * @throws IllegalArgumentException on no examples, different lengths, labels other than 0 and
   *     1, or probabilities outside [0, 1]
   */
  public static Metrics of(double[] probabilities, int[] labels, double threshold, double clip) {
    check(probabilities, labels);
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    int positives = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean fake = probabilities[i] >= threshold;
      positives += labels[i];
      if (labels[i] == 1) {
        tp += fake ? 1 : 0;
        fn += fake ? 0 : 1;
      } else {
        fp += fake ? 1 : 0;
        tn += fake ? 0 : 1;
      }
    }
    return new Metrics(labels.length, positives, logLoss(probabilities, labels, clip),
        auc(probabilities, labels), threshold, tp, fp, tn, fn);
  }

  /** Mean binary cross-entropy with probabilities clipped to {@code [clip, 1 - clip]}. */
  public static double logLoss(double[] probabilities, int[] labels, double clip) {
    check(probabilities, labels);
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - clip, Math.max(clip, probabilities[i]));
      sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / labels.length;
  }

  /**
   * The probability that a random fake scores above a random real, ties counting one half (the
   * Mann-Whitney U statistic over both class sizes); NaN when a class is missing.
   */
  public static double auc(double[] probabilities, int[] labels) {
    check(probabilities, labels);
    Integer[] order = new Integer[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> probabilities[i]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && probabilities[order[j + 1]] == probabilities[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // 1-based ranks, ties get their mean
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
  }

  /** The ROC curve from (0, 0) to (1, 1), one point per distinct probability. */
  public static List<RocPoint> roc(double[] probabilities, int[] labels) {
    check(probabilities, labels);
    Integer[] order = new Integer[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> -probabilities[i]));
    int positives = Arrays.stream(labels).sum();
    int negatives = labels.length - positives;
    List<RocPoint> points = new ArrayList<>();
    points.add(new RocPoint(0, 0, Double.POSITIVE_INFINITY));
    int tp = 0;
    int fp = 0;
    for (int k = 0; k < order.length; k++) {
      if (labels[order[k]] == 1) {
        tp++;
      } else {
        fp++;
      }
      boolean lastOfTie = k + 1 == order.length
          || probabilities[order[k + 1]] != probabilities[order[k]];
      if (lastOfTie) {
        points.add(new RocPoint(negatives == 0 ? 0 : (double) fp / negatives,
            positives == 0 ? 0 : (double) tp / positives, probabilities[order[k]]));
      }
    }
    return points;
  }

  public double accuracy() {
    return (double) (truePositives + trueNegatives) / count;
  }

  /** Fakes called fake among all called fake; 0 when nothing is called fake. */
  public double precision() {
    int called = truePositives + falsePositives;
    return called == 0 ? 0 : (double) truePositives / called;
  }

  /** Fakes called fake among all fakes; 0 without fakes. */
  public double recall() {
    int fakes = truePositives + falseNegatives;
    return fakes == 0 ? 0 : (double) truePositives / fakes;
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  private static void check(double[] probabilities, int[] labels) {
    if (probabilities.length != labels.length || labels.length == 0) {
      throw new IllegalArgumentException("Need as many probabilities as labels, at least one: "
          + probabilities.length + " and " + labels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("Labels are 0 or 1: " + labels[i]);
      }
      if (!(probabilities[i] >= 0 && probabilities[i] <= 1)) {
        throw new IllegalArgumentException("Probabilities are in [0, 1]: " + probabilities[i]);
      }
    }
  }
}
