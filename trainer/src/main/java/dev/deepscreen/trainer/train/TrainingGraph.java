package dev.deepscreen.trainer.train;

import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.model.Layers;
import dev.deepscreen.trainer.model.VariableParameters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One network in a TensorFlow graph with its training step and its inference-mode twin sharing
 * the same variables.
 *
 * <p>The training step computes the mean binary cross-entropy of the logits against the
 * smoothed labels ({@code y * (1 - s) + s / 2}), adds L2 weight decay
 * ({@code decay / 2 * sum(w^2)} over convolution and dense kernels, so the gradient gains
 * {@code decay * w}), and applies SGD with Nesterov momentum or Adam at a learning rate fed per
 * step, then updates the batch-norm moving averages. With {@link Distillation}, the loss mixes
 * the labels' cross-entropy with the divergence from the teacher's soft targets, fed per step.
 * Updates wait for every gradient: with TensorFlow's reference variables, an update running
 * while another gradient still reads the weight would make steps depend on thread timing. With
 * a fixed number of threads a step is therefore reproducible, which makes a resumed run
 * identical to an uninterrupted one.
 *
 * <p>Owns the graph and session: close it.
 */
public final class TrainingGraph implements AutoCloseable {

  private static final float ADAM_BETA1 = 0.9f;
  private static final float ADAM_BETA2 = 0.999f;
  private static final float ADAM_EPSILON = 1e-7f;

  private final Graph graph;
  private final Ops ops;
  private final Session session;
  private final Optimizer optimizer;
  private final VariableParameters parameters;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TFloat32> softTargets;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TInt64> noiseSeed;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Operand<TFloat32> dataLoss;
  private final Op trainStep;
  private final Operand<TFloat32> inferenceLogits;

  /**
   * Builds the graph.
   *
   * @param settings the network and optimiser settings
   * @param threads TensorFlow's intra-op threads (0: one per core)
   */
  public TrainingGraph(TrainingSettings settings, int threads) {
    this.optimizer = settings.optimizer();
    Architecture architecture = settings.architecture();
    int size = settings.inputSize();
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      ops = tf;
      images = tf.withName("image").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, size, size, 3)));
      labels = tf.withName("label").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1)));
      learningRate = tf.withName("learning_rate").placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      noiseSeed = tf.withName("noise_seed").placeholder(TInt64.class,
          Placeholder.shape(Shape.of(2)));
      beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      parameters = new VariableParameters(tf, settings.seed());

      Layers trainLayers = new Layers(tf.withSubScope("train"), parameters, true,
          settings.bnMomentum(), TrainingSettings.BN_EPSILON, noiseSeed, settings.freezing());
      Operand<TFloat32> logits = architecture.logits(trainLayers, images);
      float smoothing = settings.labelSmoothing();
      Operand<TFloat32> targets = tf.math.add(tf.math.mul(labels, tf.constant(1 - smoothing)),
          tf.constant(smoothing / 2));
      Operand<TFloat32> hardLoss = tf.math.mean(crossEntropy(tf, logits, targets),
          tf.constant(0));
      Distillation distillation = settings.distillation();
      if (distillation == null) {
        softTargets = null;
        dataLoss = tf.withName("loss").identity(hardLoss);
      } else {
        softTargets = tf.withName("soft_target").placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1)));
        float alpha = distillation.alpha();
        dataLoss = tf.withName("loss").math.add(
            tf.math.mul(hardLoss, tf.constant(1 - alpha)),
            tf.math.mul(distillationLoss(tf, logits, softTargets, distillation.temperature()),
                tf.constant(alpha)));
      }
      Operand<TFloat32> loss = tf.math.add(dataLoss, decay(tf, settings.weightDecay()));

      List<VariableParameters.Entry> trainable = parameters.entries().values().stream()
          .filter(VariableParameters.Entry::trainable).toList();
      Output<?>[] gradients = graph.addGradients(loss.asOutput(), trainable.stream()
          .map(e -> (Output<?>) e.variable().asOutput()).toArray(Output<?>[]::new));
      List<Operation> gradientOps = new ArrayList<>();
      for (Output<?> gradient : gradients) {
        gradientOps.add(gradient.op());
      }
      Ops afterGradients = tf.withControlDependencyOps(gradientOps);
      List<Op> applies = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> gradient = (Operand<TFloat32>) gradients[i];
        applies.add(apply(tf, afterGradients, trainable.get(i), gradient, settings.momentum()));
      }
      applies.addAll(trainLayers.updates());
      trainStep = tf.withControlDependencies(applies).withName("train_step").noOp();

      Layers inferenceLayers = new Layers(tf.withSubScope("infer"), parameters, false,
          settings.bnMomentum(), TrainingSettings.BN_EPSILON, noiseSeed, settings.freezing());
      inferenceLogits = tf.withName("inference_logits").identity(
          architecture.logits(inferenceLayers, images));

      ConfigProto.Builder config = ConfigProto.newBuilder().setInterOpParallelismThreads(1);
      if (threads > 0) {
        config.setIntraOpParallelismThreads(threads);
      }
      session = new Session(graph, config.build());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** {@code max(x, 0) - x * z + log(1 + exp(-|x|))}: BCE on logits, stable for any x. */
  static Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits,
      Operand<TFloat32> targets) {
    return tf.math.add(tf.math.sub(tf.math.maximum(logits, tf.constant(0f)),
        tf.math.mul(logits, targets)), tf.math.softplus(tf.math.neg(tf.math.abs(logits))));
  }

  /**
   * {@code T^2 * mean(KL(q || sigmoid(z / T)))}: the cross-entropy of the softened student
   * against the teacher's soft targets less their own entropy, so that it is 0 when the student
   * agrees with the teacher (the entropy does not depend on the student: the gradients are those
   * of the cross-entropy). Scaled by {@code T^2} so its gradients keep their size at any
   * temperature. The soft targets must lie strictly inside (0, 1).
   */
  static Operand<TFloat32> distillationLoss(Ops tf, Operand<TFloat32> logits,
      Operand<TFloat32> softTargets, float temperature) {
    Operand<TFloat32> softened = tf.math.div(logits, tf.constant(temperature));
    Operand<TFloat32> rest = tf.math.sub(tf.constant(1f), softTargets);
    Operand<TFloat32> entropy = tf.math.neg(tf.math.add(
        tf.math.mul(softTargets, tf.math.log(softTargets)), tf.math.mul(rest, tf.math.log(rest))));
    Operand<TFloat32> divergence = tf.math.sub(crossEntropy(tf, softened, softTargets), entropy);
    return tf.math.mul(tf.math.mean(divergence, tf.constant(0)),
        tf.constant(temperature * temperature));
  }

  /**
   * {@code decay / 2 * sum(w^2)} over the kernels. Each variable is read through an identity:
   * TensorFlow's gradient code crashes on some ops (Reshape) fed a reference variable directly.
   */
  private Operand<TFloat32> decay(Ops tf, float weightDecay) {
    Operand<TFloat32> sum = tf.constant(0f);
    for (VariableParameters.Entry entry : parameters.entries().values()) {
      if (entry.decays()) {
        sum = tf.math.add(sum, tf.nn.l2Loss(tf.identity(entry.variable())));
      }
    }
    return tf.math.mul(sum, tf.constant(weightDecay));
  }

  /**
   * The update of one variable. Its optimiser slots are made in {@code tf}, free of control
   * dependencies, so that initialising them needs no batch; the update itself in
   * {@code afterGradients}.
   */
  private Op apply(Ops tf, Ops afterGradients, VariableParameters.Entry entry,
      Operand<TFloat32> gradient, float momentum) {
    var variable = entry.variable();
    String name = variable.op().name().replace('/', '.');
    if (optimizer == Optimizer.SGD) {
      var accumulator = tf.withSubScope("momentum").withName(name)
          .variable(zeros(tf, entry.shape()));
      return afterGradients.train.applyMomentum(variable, accumulator, learningRate, gradient,
          afterGradients.constant(momentum), ApplyMomentum.useNesterov(true));
    }
    var m = tf.withSubScope("adam_m").withName(name).variable(zeros(tf, entry.shape()));
    var v = tf.withSubScope("adam_v").withName(name).variable(zeros(tf, entry.shape()));
    return afterGradients.train.applyAdam(variable, m, v, beta1Power, beta2Power, learningRate,
        afterGradients.constant(ADAM_BETA1), afterGradients.constant(ADAM_BETA2),
        afterGradients.constant(ADAM_EPSILON), gradient);
  }

  private static Operand<TFloat32> zeros(Ops tf, long[] shape) {
    return tf.fill(tf.constant(shape), tf.constant(0f));
  }

  /** Sets every variable to its initial value. */
  public void initialize() {
    session.initialize();
  }

  /**
   * Sets the network parameters named in {@code values} (pretrained weights, in the layout
   * {@link #parameterValues()} gives); the others keep their values.
   *
   * @throws IllegalArgumentException naming a parameter the network does not have or whose
   *     size differs
   */
  public void assign(Map<String, float[]> values) {
    Map<String, VariableParameters.Entry> entries = parameters.entries();
    for (Map.Entry<String, float[]> value : values.entrySet()) {
      VariableParameters.Entry entry = entries.get(value.getKey());
      if (entry == null) {
        throw new IllegalArgumentException("The network has no parameter " + value.getKey());
      }
      Shape shape = Shape.of(entry.shape());
      if (shape.size() != value.getValue().length) {
        throw new IllegalArgumentException(value.getKey() + " has " + value.getValue().length
            + " values, the network's is " + shape);
      }
      // One placeholder and assignment per parameter, run once: the values are fed, not
      // copied into the graph as constants.
      Ops scope = ops.withSubScope("assign");
      Placeholder<TFloat32> input = scope.placeholder(TFloat32.class,
          Placeholder.shape(shape));
      Operand<TFloat32> assignment = scope.assign(entry.variable(), input);
      try (TFloat32 tensor = TFloat32.tensorOf(shape,
          DataBuffers.of(value.getValue(), true, false))) {
        session.runner().feed(input, tensor).addTarget(assignment).run().close();
      }
    }
  }

  /** One optimisation step on a batch of a run without distillation; see the full form. */
  public float train(TFloat32 batch, TFloat32 targets, float rate, long step, long noise) {
    return train(batch, targets, null, rate, step, noise);
  }

  /**
   * One optimisation step on a batch.
   *
   * @param soft the teacher's soft targets of the batch with distillation, null without
   * @param step the number of steps taken before this one (Adam's bias correction, dropout)
   * @param noise a per-run seed of the step's dropout
   * @return the batch's mean cross-entropy against the smoothed labels (mixed with the
   *     distillation term when distilling), before weight decay
   */
  public float train(TFloat32 batch, TFloat32 targets, TFloat32 soft, float rate, long step,
      long noise) {
    if ((soft == null) != (softTargets == null)) {
      throw new IllegalArgumentException(softTargets == null
          ? "This run does not distil: it takes no soft targets"
          : "This run distils: every batch needs the teacher's soft targets");
    }
    try (TFloat32 lr = TFloat32.scalarOf(rate);
        TInt64 seed = TInt64.vectorOf(noise, step);
        TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(ADAM_BETA1, step + 1));
        TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(ADAM_BETA2, step + 1))) {
      Session.Runner runner = session.runner().feed(images, batch).feed(labels, targets)
          .feed(learningRate, lr).feed(noiseSeed, seed).feed(beta1Power, b1)
          .feed(beta2Power, b2);
      if (soft != null) {
        runner.feed(softTargets, soft);
      }
      try (Result result = runner.fetch(dataLoss).addTarget(trainStep).run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }
  }

  /** Inference-mode logits of a batch (batch norm with its moving averages, no dropout). */
  public float[] logits(TFloat32 batch) {
    try (Result result = session.runner().feed(images, batch).fetch(inferenceLogits).run()) {
      TFloat32 out = (TFloat32) result.get(0);
      float[] values = new float[(int) out.shape().size(0)];
      for (int i = 0; i < values.length; i++) {
        values[i] = out.getFloat(i);
      }
      return values;
    }
  }

  /** Writes every variable, optimiser state included, as a TensorFlow checkpoint. */
  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  /** Reads a checkpoint written by {@link #save} from a graph of the same settings. */
  public void restore(Path prefix) {
    session.restore(prefix.toString());
  }

  /** The network's parameters (no optimiser state) by name, with their current values. */
  public Map<String, float[]> parameterValues() {
    return parameterValues(session, parameters);
  }

  /** The values of {@code parameters} in {@code session}, by name. */
  static Map<String, float[]> parameterValues(Session session, VariableParameters parameters) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, VariableParameters.Entry> e : parameters.entries().entrySet()) {
      try (Result result = session.runner().fetch(e.getValue().variable()).run()) {
        TFloat32 tensor = (TFloat32) result.get(0);
        float[] data = new float[(int) tensor.size()];
        tensor.asRawTensor().data().asFloats().read(data);
        values.put(e.getKey(), data);
      }
    }
    return values;
  }

  /** The number of network parameters, batch-norm moving averages included. */
  public long parameterCount() {
    long count = 0;
    for (VariableParameters.Entry e : parameters.entries().values()) {
      long size = 1;
      for (long d : e.shape()) {
        size *= d;
      }
      count += size;
    }
    return count;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
