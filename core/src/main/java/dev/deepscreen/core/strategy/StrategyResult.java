package dev.deepscreen.core.strategy;

/**
 * One application of a strategy to one list of face probabilities.
 *
 * @param probability the combined probability
 * @param branch the branch that produced it
 * @param faces how many face probabilities it was computed over
 */
public record StrategyResult(double probability, Branch branch, int faces) {}
