package dev.deepscreen.streams.deploy;

import java.util.Arrays;
import java.util.Optional;

/**
 * The project's container images: which Dockerfile and target builds each, and from which module.
 * The compose file and the Kubernetes manifests may use no other {@code deepscreen/} image, and
 * only at the project version.
 */
enum Image {
  STREAMS("deepscreen/streams", "streams/Dockerfile", "streams", "streams", false),
  SCORER_GPU("deepscreen/scorer-gpu", "streams/Dockerfile", "scorer-gpu", "streams", true),
  TRAINER("deepscreen/trainer", "trainer/Dockerfile", "trainer", "trainer", false),
  TRAINER_GPU("deepscreen/trainer-gpu", "trainer/Dockerfile", "trainer-gpu", "trainer", true),
  CONNECT("deepscreen/connect", "connectors/Dockerfile", "connect", "connectors", false);

  static final String PREFIX = "deepscreen/";

  final String repository;
  final String dockerfile;
  final String target;
  final String module;
  final boolean gpu;

  Image(String repository, String dockerfile, String target, String module, boolean gpu) {
    this.repository = repository;
    this.dockerfile = dockerfile;
    this.target = target;
    this.module = module;
    this.gpu = gpu;
  }

  /** The image a reference such as {@code deepscreen/streams:0.1.0} names, if it is ours. */
  static Optional<Image> of(String reference) {
    String repository = reference.contains(":")
        ? reference.substring(0, reference.lastIndexOf(':')) : reference;
    return Arrays.stream(values()).filter(i -> i.repository.equals(repository)).findFirst();
  }

  /** The tag of an image reference, or empty when it has none. */
  static String tag(String reference) {
    int colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "";
  }
}
