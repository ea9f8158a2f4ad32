package dev.deepscreen.core.strategy;

/**
 * One model's video-level result.
 *
 * @param model the model's name
 * @param result its probability, the branch that produced it and the face count
 */
public record ModelOutcome(String model, StrategyResult result) {}
