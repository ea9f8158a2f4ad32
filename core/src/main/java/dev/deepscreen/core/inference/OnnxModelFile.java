package dev.deepscreen.core.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an ONNX file before ONNX Runtime reads it: that it is an ONNX model at all (a protocol
 * buffer with a graph), and that every tensor it stores as external data names a file inside the
 * ensemble folder, never an absolute path or one that climbs out of it (nor a link that leads out
 * of it). Model files are untrusted input: this reads the protocol buffer's structure only, never
 * its tensors, through the file mapped read-only.
 *
 * <p>Tensors are looked for wherever ONNX lets them be: the graph's initializers (dense and
 * sparse), constants in node attributes, the subgraphs of control-flow nodes, the nodes of model
 * functions, and the graphs of training information.
 */
final class OnnxModelFile {

  // Field numbers of onnx.proto (ONNX 1.x), for the messages that can hold tensors.
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_TRAINING_INFO = 20;
  private static final int MODEL_FUNCTIONS = 25;
  private static final int TRAINING_INITIALIZATION = 1;
  private static final int TRAINING_ALGORITHM = 2;
  private static final int FUNCTION_NODE = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_T = 5;
  private static final int ATTRIBUTE_G = 6;
  private static final int ATTRIBUTE_TENSORS = 10;
  private static final int ATTRIBUTE_GRAPHS = 11;
  private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
  private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  /** Subgraphs nest; a file nesting deeper than this is refused rather than recursed into. */
  private static final int MAX_DEPTH = 64;

  /** A tensor stored outside the model file. */
  record ExternalData(String tensor, String location) {}

  private final List<ExternalData> external = new ArrayList<>();

  private OnnxModelFile() {}

  /**
   * Checks {@code file}, an ONNX model of the ensemble in {@code ensembleFolder}.
   *
   * @return the tensors stored as external data, each checked
   * @throws ModelException naming the model and the reason
   */
  static List<ExternalData> check(String name, Path file, Path ensembleFolder) {
    String at = "Model " + name + ": ";
    OnnxModelFile model = new OnnxModelFile();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new ModelException(at + file + " is not an ONNX model: over 2 GiB, larger than"
            + " any protocol buffer (large weights go into external data files)");
      }
      ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      model.readModel(bytes);
    } catch (NoSuchFileException e) {
      throw new ModelException(at + "no ONNX model at " + file, e);
    } catch (IOException e) {
      throw new ModelException(at + "cannot read " + file + ": " + e.getMessage(), e);
    } catch (Malformed e) {
      throw new ModelException(at + file + " is not an ONNX model: " + e.getMessage(), e);
    }
    Path folder;
    try {
      folder = ensembleFolder.toRealPath();
    } catch (IOException e) {
      throw new ModelException(at + "cannot read the ensemble folder " + ensembleFolder, e);
    }
    Path base = file.toAbsolutePath().getParent();
    for (ExternalData data : model.external) {
      String where = at + "tensor '" + data.tensor() + "' names external data at '"
          + data.location() + "', ";
      if (data.location() == null || data.location().isEmpty()) {
        throw new ModelException(where + "an empty location");
      }
      Path location;
      try {
        location = Path.of(data.location());
      } catch (RuntimeException e) {
        throw new ModelException(where + "not a file name");
      }
      if (location.isAbsolute() || data.location().startsWith("/")
          || data.location().startsWith("\\") || data.location().contains(":")) {
        throw new ModelException(where + "an absolute path; external data must lie inside the"
            + " ensemble folder");
      }
      Path resolved = base.resolve(location).normalize();
      if (!resolved.startsWith(ensembleFolder.toAbsolutePath().normalize())) {
        throw new ModelException(where + "outside the ensemble folder");
      }
      try {
        if (!resolved.toRealPath().startsWith(folder)) {
          throw new ModelException(where + "a link that leads outside the ensemble folder");
        }
      } catch (IOException e) {
        throw new ModelException(where + "which does not exist");
      }
    }
    return List.copyOf(model.external);
  }

  private void readModel(ByteBuffer bytes) {
    Fields fields = new Fields(bytes);
    boolean graph = false;
    boolean version = false;
    while (fields.next()) {
      switch (fields.number()) {
        case MODEL_IR_VERSION -> {
          version = fields.wireType() == Fields.VARINT;
          fields.skip();
        }
        case MODEL_GRAPH -> {
          readGraph(fields.message(), 0);
          graph = true;
        }
        case MODEL_TRAINING_INFO -> readTrainingInfo(fields.message());
        case MODEL_FUNCTIONS -> readNodes(fields.message(), FUNCTION_NODE, 0);
        default -> fields.skip();
      }
    }
    if (!version || !graph) {
      throw new Malformed(!version ? "it has no IR version" : "it has no graph");
    }
  }

  private void readTrainingInfo(ByteBuffer bytes) {
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      if (fields.number() == TRAINING_INITIALIZATION || fields.number() == TRAINING_ALGORITHM) {
        readGraph(fields.message(), 0);
      } else {
        fields.skip();
      }
    }
  }

  private void readGraph(ByteBuffer bytes, int depth) {
    if (depth > MAX_DEPTH) {
      throw new Malformed("subgraphs nest deeper than " + MAX_DEPTH);
    }
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      switch (fields.number()) {
        case GRAPH_NODE -> readNode(fields.message(), depth);
        case GRAPH_INITIALIZER -> readTensor(fields.message());
        case GRAPH_SPARSE_INITIALIZER -> readSparseTensor(fields.message());
        default -> fields.skip();
      }
    }
  }

  /** The nodes (field {@code nodeField}) of a function. */
  private void readNodes(ByteBuffer bytes, int nodeField, int depth) {
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      if (fields.number() == nodeField) {
        readNode(fields.message(), depth);
      } else {
        fields.skip();
      }
    }
  }

  private void readNode(ByteBuffer bytes, int depth) {
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      if (fields.number() == NODE_ATTRIBUTE) {
        readAttribute(fields.message(), depth);
      } else {
        fields.skip();
      }
    }
  }

  private void readAttribute(ByteBuffer bytes, int depth) {
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      switch (fields.number()) {
        case ATTRIBUTE_T, ATTRIBUTE_TENSORS -> readTensor(fields.message());
        case ATTRIBUTE_G, ATTRIBUTE_GRAPHS -> readGraph(fields.message(), depth + 1);
        case ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS ->
            readSparseTensor(fields.message());
        default -> fields.skip();
      }
    }
  }

  private void readSparseTensor(ByteBuffer bytes) {
    Fields fields = new Fields(bytes);
    while (fields.next()) {
      if (fields.number() == SPARSE_VALUES || fields.number() == SPARSE_INDICES) {
        readTensor(fields.message());
      } else {
        fields.skip();
      }
    }
  }

  private void readTensor(ByteBuffer bytes) {
    Fields fields = new Fields(bytes);
    String name = "";
    List<String> locations = new ArrayList<>();
    while (fields.next()) {
      switch (fields.number()) {
        case TENSOR_NAME -> name = fields.string();
        case TENSOR_EXTERNAL_DATA -> {
          Fields entry = new Fields(fields.message());
          String key = null;
          String value = null;
          while (entry.next()) {
            switch (entry.number()) {
              case ENTRY_KEY -> key = entry.string();
              case ENTRY_VALUE -> value = entry.string();
              default -> entry.skip();
            }
          }
          if ("location".equals(key)) {
            locations.add(value == null ? "" : value);
          }
        }
        default -> fields.skip();
      }
    }
    for (String location : locations) {
      external.add(new ExternalData(name, location));
    }
  }

  /** The file is not a well-formed protocol buffer of the ONNX messages read. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** The fields of one message, in order, over a slice of the file. */
  private static final class Fields {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer bytes;
    private int number;
    private int wireType;

    Fields(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    /** Reads the next field's key; false at the end of the message. */
    boolean next() {
      if (!bytes.hasRemaining()) {
        return false;
      }
      long key = varint();
      wireType = (int) (key & 7);
      long field = key >>> 3;
      if (field < 1 || field > 536_870_911L) {
        throw new Malformed("a field number of " + field + " at byte " + bytes.position());
      }
      if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH
          && wireType != FIXED32) {
        throw new Malformed("wire type " + wireType + " at byte " + bytes.position());
      }
      number = (int) field;
      return true;
    }

    int number() {
      return number;
    }

    int wireType() {
      return wireType;
    }

    /** The current field, length-delimited, as a slice of its own. */
    ByteBuffer message() {
      if (wireType != LENGTH) {
        throw new Malformed("field " + number + " is not a message");
      }
      long length = varint();
      if (length < 0 || length > bytes.remaining()) {
        throw new Malformed("a field of " + length + " bytes runs past the end");
      }
      ByteBuffer slice = bytes.slice(bytes.position(), (int) length);
      bytes.position(bytes.position() + (int) length);
      return slice;
    }

    String string() {
      ByteBuffer slice = message();
      byte[] text = new byte[slice.remaining()];
      slice.get(text);
      return new String(text, StandardCharsets.UTF_8);
    }

    void skip() {
      switch (wireType) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case FIXED32 -> advance(4);
        default -> message();
      }
    }

    private void advance(int count) {
      if (bytes.remaining() < count) {
        throw new Malformed("the file ends inside a field");
      }
      bytes.position(bytes.position() + count);
    }

    private long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (!bytes.hasRemaining()) {
          throw new Malformed("the file ends inside a number");
        }
        byte b = bytes.get();
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new Malformed("a number longer than 10 bytes");
    }
  }
}
