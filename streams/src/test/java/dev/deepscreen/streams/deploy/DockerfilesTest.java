package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.streams.deploy.Dockerfile.Instruction;
import dev.deepscreen.streams.deploy.Dockerfile.Stage;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Dockerfiles, checked without a Docker engine: stages and targets, what the build stages run
 * and what the images copy out of them, base images and the user the images run as.
 */
class DockerfilesTest {

  /** A path under a module's build output, as a RUN or COPY line names it. */
  private static final Pattern BUILD_OUTPUT =
      Pattern.compile("\\b(streams|trainer|connectors)/target/(\\S+?)[\";]*(?=\\s|$)");

  @ParameterizedTest
  @EnumSource(Image.class)
  void everyImageIsATargetThatRunsAsANonRootUser(Image image) {
    Stage stage = Dockerfile.parse(image.dockerfile).stage(image.target);

    Instruction user = stage.last("USER");
    assertThat(user).as("%s sets a USER", image).isNotNull();
    assertThat(user.arguments().split(":")[0]).isNotIn("root", "0");
    assertThat(stage.last("ENTRYPOINT")).as("%s has an ENTRYPOINT", image).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void buildStagesRunTheMavenWrapperOnTheImagesModule(Image image) {
    List<String> runs = runs(Dockerfile.parse(image.dockerfile).closure(image.target));

    assertThat(runs).anySatisfy(run -> assertThat(run)
        .contains("./mvnw -pl " + image.module + " -am").contains(" package"));
    if (image.gpu) {
      assertThat(runs).anySatisfy(run -> assertThat(run).contains("./mvnw").contains("-Pgpu"));
    } else {
      assertThat(runs).noneSatisfy(run -> assertThat(run).contains("-Pgpu"));
    }
  }

  @Test
  void theGpuProfileSelectsTensorFlowsGpuNatives() {
    Element project = Repository.pom("pom.xml").getDocumentElement();
    NodeList profiles = Repository.child(project, "profiles").getElementsByTagName("profile");
    List<String> gpuClassifiers = new ArrayList<>();
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (Repository.childText(profile, "id").equals("gpu")) {
        gpuClassifiers.add(Repository.childText(Repository.child(profile, "properties"),
            "tensorflow.native.classifier"));
      }
    }
    assertThat(gpuClassifiers).containsExactly("linux-x86_64-gpu");
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void gpuImagesRunOnCuda125WithCudnnAndCpuImagesOnAJre(Image image) {
    Dockerfile dockerfile = Dockerfile.parse(image.dockerfile);
    String base = dockerfile.stage(image.target).from();

    if (image.gpu) {
      assertThat(base).startsWith("nvidia/cuda:12.5.").contains("-cudnn-runtime-");
    } else if (image == Image.CONNECT) {
      assertThat(base).isEqualTo("apache/kafka:" + Repository.rootProperty("kafka.version"));
    } else {
      assertThat(base).startsWith("eclipse-temurin:").contains("-jre");
    }
    // The runtime never carries the JDK and the sources of the build stage.
    assertThat(base).isNotEqualTo(dockerfile.globalArgs().get("JDK_IMAGE"));
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void baseImagesArePinned(Image image) {
    for (Stage stage : Dockerfile.parse(image.dockerfile).stages()) {
      boolean earlierStage = Dockerfile.parse(image.dockerfile).stages().stream()
          .anyMatch(s -> stage.from().equals(s.name()));
      if (!earlierStage) {
        assertThat(Image.tag(stage.from())).as(stage.from()).isNotEmpty().isNotEqualTo("latest");
      }
    }
  }

  /**
   * Every path under a module's target/ that an image takes is an artifact that module's build
   * produces: the plugin zip as connectors/pom.xml names it, the distributions as the runtime
   * contract names them ({@code deepscreen-<version>/bin/deepscreen}, {@code
   * deepscreen-trainer-<version>/bin/deepscreen-trainer}).
   */
  @ParameterizedTest
  @EnumSource(Image.class)
  void imagesTakeOnlyArtifactsTheBuildProduces(Image image) {
    String version = Repository.projectVersion();
    List<String> taken = new ArrayList<>();
    for (Stage stage : Dockerfile.parse(image.dockerfile).closure(image.target)) {
      for (Instruction instruction : stage.instructions()) {
        Matcher m = BUILD_OUTPUT.matcher(instruction.arguments());
        while (m.find()) {
          assertThat(m.group(1)).as("module of %s", m.group()).isEqualTo(image.module);
          taken.add(m.group(2));
        }
      }
    }
    assertThat(taken).as("%s takes a build output", image).isNotEmpty();

    String produced = switch (image.module) {
      case "connectors" -> pluginZipName();
      case "streams" -> "deepscreen-" + version + "/bin/deepscreen";
      case "trainer" -> "deepscreen-trainer-" + version + "/bin/deepscreen-trainer";
      default -> throw new AssertionError(image.module);
    };
    for (String glob : taken) {
      assertThat(FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(produced)))
          .as("%s matches %s", glob, produced).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void filesCopiedFromTheContextExist(Image image) {
    for (Stage stage : Dockerfile.parse(image.dockerfile).closure(image.target)) {
      for (Instruction copy : stage.all("COPY")) {
        if (copy.arguments().contains("--from=")) {
          continue;
        }
        List<String> words = new ArrayList<>(List.of(copy.arguments().split("\\s+")));
        words.removeIf(w -> w.startsWith("--"));
        for (String source : words.subList(0, words.size() - 1)) {
          assertThat(Files.exists(Repository.file(source))).as("%s exists", source).isTrue();
        }
      }
    }
  }

  @Test
  void buildOutputsStayOutOfTheBuildContext() {
    assertThat(Repository.read(".dockerignore").lines()).contains("**/target/", ".git/");
  }

  /** The plugin zip's file name, from the assembly execution of connectors/pom.xml. */
  private static String pluginZipName() {
    Element project = Repository.pom("connectors/pom.xml").getDocumentElement();
    NodeList executions = project.getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      Element execution = (Element) executions.item(i);
      if (Repository.childText(execution, "id").equals("connect-plugin")) {
        Element configuration = Repository.child(execution, "configuration");
        String finalName = Repository.childText(configuration, "finalName")
            .replace("${project.version}", Repository.projectVersion());
        String descriptor = Repository.read("connectors/" + Repository.childText(
            Repository.child(configuration, "descriptors"), "descriptor"));
        assertThat(descriptor).contains("<format>zip</format>");
        return finalName + ".zip";
      }
    }
    throw new AssertionError("connectors/pom.xml has no connect-plugin execution");
  }

  private static List<String> runs(List<Stage> stages) {
    return stages.stream().flatMap(s -> s.all("RUN").stream()).map(Instruction::arguments)
        .toList();
  }
}
