package dev.deepscreen.connectors.s3;

/** The plugin's version, from the jar manifest (Implementation-Version) when packaged. */
final class Version {
  private Version() {}

  static String get() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version != null ? version : "unknown";
  }
}
