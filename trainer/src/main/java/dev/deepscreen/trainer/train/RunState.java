package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where a run stands after an epoch, stored beside that epoch's checkpoint: enough to resume
 * exactly, to stop early, and to redraw the log.
 *
 * @param epoch the last completed epoch, 1-based
 * @param steps steps taken so far
 * @param bestEpoch the epoch with the lowest validation loss (the last one without validation)
 * @param bestLoss that loss, NaN without validation
 * @param staleEpochs epochs since the validation loss last improved
 * @param stopped whether the run is over (all epochs done, or stopped early)
 * @param history every epoch so far
 */
public record RunState(
    @JsonProperty("epoch") int epoch,
    @JsonProperty("steps") long steps,
    @JsonProperty("best_epoch") int bestEpoch,
    @JsonProperty("best_loss") double bestLoss,
    @JsonProperty("stale_epochs") int staleEpochs,
    @JsonProperty("stopped") boolean stopped,
    @JsonProperty("history") List<EpochRecord> history) {}
