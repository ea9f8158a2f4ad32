package dev.deepscreen.trainer.pretrained;

import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.model.EfficientNet;
import dev.deepscreen.trainer.pytorch.TorchTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps the state dict of timm's {@code tf_efficientnet_b0} to {@code _b7} (with or without
 * {@code _ns} or {@code _ap}: the same network, other weights), bare or wrapped as the DFDC
 * winner's {@code DeepFakeClassifier} ({@code encoder.*} plus a one-logit {@code fc}), onto the
 * parameters of the trainer's EfficientNet ({@link Architecture}).
 *
 * <p>The two networks compute the same function: timm's {@code tf_} variants were made to
 * reproduce TensorFlow's, with "SAME" padding ({@code Conv2dSame}: the extra pixel of a
 * stride-2 convolution at the bottom and right, as TensorFlow's {@code SAME}) and batch-norm
 * epsilon 1e-3. Only the layout of the tensors differs: PyTorch keeps convolution kernels as
 * {@code [out, in, h, w]} and TensorFlow as {@code [h, w, in, out]}; a depthwise kernel
 * {@code [channels, 1, h, w]} becomes {@code [h, w, channels, 1]}; a linear layer's
 * {@code [out, in]} becomes a dense kernel {@code [in, out]}.
 *
 * <p>Every key is accounted for. A tensor the network needs that is missing or of another shape
 * is an error naming the key; so is a key that belongs to no part of the network. Keys that are
 * known and not needed (batch norm's {@code num_batches_tracked}, timm's 1000-class ImageNet
 * {@code classifier}) are listed in {@link Mapped#unused()}.
 */
public final class TimmEfficientNet {

  /** How the state dict was laid out. */
  public enum Layout {
    /** The reference's classifier: the timm network as {@code encoder.*}, the logit as {@code fc}. */
    DEEPFAKE_CLASSIFIER("encoder.", "fc."),
    /** timm's network alone; its {@code classifier} is the logit when it has one output. */
    TIMM("", "classifier.");

    private final String prefix;
    private final String head;

    Layout(String prefix, String head) {
      this.prefix = prefix;
      this.head = head;
    }
  }

  /**
   * A mapped state dict.
   *
   * @param architecture the EfficientNet it fills
   * @param layout how its keys were laid out
   * @param parameters the trainer's parameter values by name, in the trainer's layout
   * @param hasHead whether the one-logit head ({@code logit/kernel}, {@code logit/bias}) is among
   *     them; an ImageNet backbone has none
   * @param unused the keys read but not needed, sorted
   */
  public record Mapped(Architecture architecture, Layout layout, Map<String, float[]> parameters,
      boolean hasHead, List<String> unused) {}

  /**
   * A state dict checked against the network it fills, every key accounted for, before any
   * value is converted: what an import checks of every file before exporting any.
   */
  public static final class Plan {
    private final Architecture architecture;
    private final Layout layout;
    private final List<Entry> entries;
    private final boolean hasHead;
    private final List<String> unused;

    private Plan(Architecture architecture, Layout layout, List<Entry> entries, boolean hasHead,
        List<String> unused) {
      this.architecture = architecture;
      this.layout = layout;
      this.entries = List.copyOf(entries);
      this.hasHead = hasHead;
      this.unused = List.copyOf(unused);
    }

    public Architecture architecture() {
      return architecture;
    }

    /** Whether the one-logit head is among the parameters; an ImageNet backbone has none. */
    public boolean hasHead() {
      return hasHead;
    }

    /** The keys read but not needed, sorted. */
    public List<String> unused() {
      return unused;
    }

    /** How many of the trainer's parameters the state dict fills. */
    public int parameterCount() {
      return entries.size();
    }

    /** The network as timm and the reference name it: {@code DeepFakeClassifier(tf_...)}. */
    public String describe() {
      return TimmEfficientNet.describe(architecture, layout);
    }

    /** The parameters' values from {@code stateDict}, the one this plan was made of. */
    public Mapped convert(Map<String, TorchTensor> stateDict) {
      Map<String, float[]> parameters = new LinkedHashMap<>();
      for (Entry entry : entries) {
        parameters.put(entry.parameter(), TimmEfficientNet.convert(
            stateDict.get(entry.key()).toFloats(), entry));
      }
      return new Mapped(architecture, layout, parameters, hasHead, unused);
    }
  }

  private enum Transform { CONV, DEPTHWISE, DENSE, VECTOR }

  /** One tensor of the state dict and the parameter it becomes. */
  private record Entry(String key, long[] shape, String parameter, Transform transform) {}

  private TimmEfficientNet() {}

  /**
   * Maps {@code stateDict} (keys without a {@code module.} prefix) onto {@code architecture}, or
   * onto the EfficientNet its shapes describe when {@code architecture} is null.
   *
   * @throws IllegalArgumentException naming the key that is missing, mis-shaped or foreign, or
   *     saying why the state dict is not an EfficientNet of timm's layout
   */
  public static Mapped map(Map<String, TorchTensor> stateDict, Architecture architecture) {
    return plan(stateDict, architecture).convert(stateDict);
  }

  /**
   * Checks {@code stateDict} as {@link #map} does, converting nothing.
   *
   * @throws IllegalArgumentException as {@link #map} does
   */
  public static Plan plan(Map<String, TorchTensor> stateDict, Architecture architecture) {
    Layout layout = layoutOf(stateDict);
    Architecture target = architecture != null ? architecture : infer(stateDict, layout);
    if (!target.isEfficientNet()) {
      throw new IllegalArgumentException("Only EfficientNets import from PyTorch, not "
          + target.id());
    }
    List<Entry> entries = entries(target, layout.prefix);
    long[] headShape = {1, target.headChannels()};
    TorchTensor headWeight = stateDict.get(layout.head + "weight");
    boolean hasHead = headWeight != null && Arrays.equals(headWeight.shape(), headShape);
    if (layout == Layout.DEEPFAKE_CLASSIFIER && !hasHead) {
      throw new IllegalArgumentException(headWeight == null
          ? "The DeepFakeClassifier state dict has no fc.weight"
          : "fc.weight is " + Arrays.toString(headWeight.shape()) + ", expected "
              + Arrays.toString(headShape) + " (one logit)");
    }
    if (hasHead) {
      entries.add(new Entry(layout.head + "weight", headShape, "logit/kernel", Transform.DENSE));
      entries.add(new Entry(layout.head + "bias", new long[] {1}, "logit/bias",
          Transform.VECTOR));
    }

    for (Entry entry : entries) {
      TorchTensor tensor = stateDict.get(entry.key());
      if (tensor == null) {
        throw new IllegalArgumentException("The state dict has no " + entry.key()
            + ", which " + describe(target, layout) + " needs");
      }
      if (!Arrays.equals(tensor.shape(), entry.shape())) {
        throw new IllegalArgumentException(entry.key() + " is " + Arrays.toString(tensor.shape())
            + ", expected " + Arrays.toString(entry.shape()) + " for " + describe(target, layout));
      }
    }

    Set<String> used = new TreeSet<>();
    entries.forEach(e -> used.add(e.key()));
    List<String> unused = new ArrayList<>();
    for (String key : new TreeSet<>(stateDict.keySet())) {
      if (used.contains(key)) {
        continue;
      }
      if (!ignorable(key, layout)) {
        throw new IllegalArgumentException(key + " " + Arrays.toString(stateDict.get(key).shape())
            + " is not part of " + describe(target, layout)
            + ": the checkpoint holds another network");
      }
      unused.add(key);
    }
    return new Plan(target, layout, entries, hasHead, unused);
  }

  /**
   * Every key and shape {@code architecture}'s network has in timm's layout, as a
   * {@code DeepFakeClassifier} when asked (with timm's 1000-class classifier, as the reference
   * builds it), batch norm's {@code num_batches_tracked} included.
   */
  public static Map<String, long[]> expectedKeys(Architecture architecture, Layout layout) {
    Map<String, long[]> keys = new LinkedHashMap<>();
    for (Entry entry : entries(architecture, layout.prefix)) {
      keys.put(entry.key(), entry.shape());
      if (entry.key().endsWith(".running_var")) {
        keys.put(entry.key().replace(".running_var", ".num_batches_tracked"), new long[0]);
      }
    }
    long features = architecture.headChannels();
    keys.put(layout.prefix + "classifier.weight", new long[] {1000, features});
    keys.put(layout.prefix + "classifier.bias", new long[] {1000});
    if (layout == Layout.DEEPFAKE_CLASSIFIER) {
      keys.put("fc.weight", new long[] {1, features});
      keys.put("fc.bias", new long[] {1});
    }
    return keys;
  }

  private static String describe(Architecture architecture, Layout layout) {
    String timm = "tf_" + architecture.id().replace('-', '_');
    return layout == Layout.DEEPFAKE_CLASSIFIER ? "DeepFakeClassifier(" + timm + ")" : timm;
  }

  private static boolean ignorable(String key, Layout layout) {
    return key.endsWith(".num_batches_tracked")
        || key.startsWith(layout.prefix + "classifier.");
  }

  private static Layout layoutOf(Map<String, TorchTensor> stateDict) {
    if (stateDict.containsKey("encoder.conv_stem.weight")) {
      return Layout.DEEPFAKE_CLASSIFIER;
    }
    if (stateDict.containsKey("conv_stem.weight")) {
      return Layout.TIMM;
    }
    List<String> some = stateDict.keySet().stream().limit(5).toList();
    throw new IllegalArgumentException("Not an EfficientNet of timm's layout: no conv_stem.weight"
        + " or encoder.conv_stem.weight among " + stateDict.size() + " tensors (first keys: "
        + some + ")");
  }

  /** The EfficientNet whose block count and head width the state dict has. */
  private static Architecture infer(Map<String, TorchTensor> stateDict, Layout layout) {
    Set<String> blocks = new TreeSet<>();
    String prefix = layout.prefix + "blocks.";
    for (String key : stateDict.keySet()) {
      if (key.startsWith(prefix)) {
        String[] parts = key.substring(prefix.length()).split("\\.", 3);
        if (parts.length == 3) {
          blocks.add(parts[0] + "." + parts[1]);
        }
      }
    }
    TorchTensor head = stateDict.get(layout.prefix + "conv_head.weight");
    long headChannels = head == null || head.shape().length == 0 ? -1 : head.shape()[0];
    for (Architecture candidate : Architecture.values()) {
      if (candidate.isEfficientNet() && candidate.blocks().size() == blocks.size()
          && candidate.headChannels() == headChannels) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("No EfficientNet B0 to B7 has " + blocks.size()
        + " blocks and a head of " + headChannels + " channels, as this state dict does");
  }

  private static List<Entry> entries(Architecture architecture, String prefix) {
    List<Entry> entries = new ArrayList<>();
    int stem = architecture.stemChannels();
    entries.add(new Entry(prefix + "conv_stem.weight", new long[] {stem, 3, 3, 3},
        "stem_conv/kernel", Transform.CONV));
    batchNorm(entries, prefix + "bn1.", stem, "stem_bn");
    List<EfficientNet.Block> blocks = architecture.blocks();
    for (EfficientNet.Block block : blocks) {
      String key = prefix + "blocks." + block.stage() + "." + block.index() + ".";
      String name = block.name();
      int expanded = block.expanded();
      // timm names the layers by position: a block without expansion (stage 0's
      // DepthwiseSeparableConv) starts at its depthwise convolution.
      String dwBn = "bn1.";
      String projection = "conv_pw.";
      String projectionBn = "bn2.";
      if (block.expansion() != 1) {
        entries.add(new Entry(key + "conv_pw.weight",
            new long[] {expanded, block.in(), 1, 1}, name + "_expand_conv/kernel", Transform.CONV));
        batchNorm(entries, key + "bn1.", expanded, name + "_expand_bn");
        dwBn = "bn2.";
        projection = "conv_pwl.";
        projectionBn = "bn3.";
      }
      entries.add(new Entry(key + "conv_dw.weight",
          new long[] {expanded, 1, block.kernel(), block.kernel()},
          name + "_dwconv/depthwise_kernel", Transform.DEPTHWISE));
      batchNorm(entries, key + dwBn, expanded, name + "_bn");
      int squeezed = block.squeezed();
      entries.add(new Entry(key + "se.conv_reduce.weight", new long[] {squeezed, expanded, 1, 1},
          name + "_se_reduce/kernel", Transform.CONV));
      entries.add(new Entry(key + "se.conv_reduce.bias", new long[] {squeezed},
          name + "_se_reduce/bias", Transform.VECTOR));
      entries.add(new Entry(key + "se.conv_expand.weight", new long[] {expanded, squeezed, 1, 1},
          name + "_se_expand/kernel", Transform.CONV));
      entries.add(new Entry(key + "se.conv_expand.bias", new long[] {expanded},
          name + "_se_expand/bias", Transform.VECTOR));
      entries.add(new Entry(key + projection + "weight", new long[] {block.out(), expanded, 1, 1},
          name + "_project_conv/kernel", Transform.CONV));
      batchNorm(entries, key + projectionBn, block.out(), name + "_project_bn");
    }
    int head = architecture.headChannels();
    entries.add(new Entry(prefix + "conv_head.weight",
        new long[] {head, blocks.get(blocks.size() - 1).out(), 1, 1}, "top_conv/kernel",
        Transform.CONV));
    batchNorm(entries, prefix + "bn2.", head, "top_bn");
    return entries;
  }

  private static void batchNorm(List<Entry> entries, String key, int channels, String name) {
    long[] shape = {channels};
    entries.add(new Entry(key + "weight", shape, name + "/gamma", Transform.VECTOR));
    entries.add(new Entry(key + "bias", shape, name + "/beta", Transform.VECTOR));
    entries.add(new Entry(key + "running_mean", shape, name + "/moving_mean", Transform.VECTOR));
    entries.add(new Entry(key + "running_var", shape, name + "/moving_variance",
        Transform.VECTOR));
  }

  /** {@code values} (row-major in PyTorch's layout) in TensorFlow's layout, row-major. */
  private static float[] convert(float[] values, Entry entry) {
    long[] s = entry.shape();
    return switch (entry.transform()) {
      case VECTOR -> values;
      case DENSE -> transpose(values, (int) s[0], (int) s[1]);
      case CONV -> oihwToHwio(values, (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
      // [channels, 1, h, w] holds its values in the order of [1, channels, h, w]: read as
      // such, the channels land on the third axis, [h, w, channels, 1].
      case DEPTHWISE -> oihwToHwio(values, 1, (int) s[0], (int) s[2], (int) s[3]);
    };
  }

  private static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  private static float[] oihwToHwio(float[] values, int o, int i, int h, int w) {
    float[] out = new float[values.length];
    for (int oo = 0; oo < o; oo++) {
      for (int ii = 0; ii < i; ii++) {
        for (int hh = 0; hh < h; hh++) {
          for (int ww = 0; ww < w; ww++) {
            out[((hh * w + ww) * i + ii) * o + oo] = values[((oo * i + ii) * h + hh) * w + ww];
          }
        }
      }
    }
    return out;
  }
}
