package dev.deepscreen.embedded;

import dev.deepscreen.s3.S3ClientSettings;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * An S3-compatible store in this JVM: S3Proxy as {@link S3ProxyConfig} sets it up, with its
 * filesystem backend, so that the objects are plain files under a folder
 * ({@code <folder>/<bucket>/<key>}), listening on a loopback port.
 *
 * <p>S3Proxy's jar (its {@code jar-with-dependencies}) carries unshaded copies of the AWS SDK,
 * Jackson, Guava, Jetty and logback, which clash with the pipeline's own on one class path. It
 * is therefore loaded by a class loader of its own whose parent is the platform class loader,
 * and driven by reflection through its public builder; nothing of it leaks onto the
 * application's class path.
 */
public final class InProcessS3Store implements AutoCloseable {

  public static final String ACCESS_KEY = S3ProxyConfig.ACCESS_KEY;
  public static final String SECRET_KEY = S3ProxyConfig.SECRET_KEY;
  public static final String REGION = S3ProxyConfig.REGION;

  private final URLClassLoader loader;
  private final Object proxy;
  private final URI endpoint;
  private final Path folder;

  private InProcessS3Store(URLClassLoader loader, Object proxy, URI endpoint, Path folder) {
    this.loader = loader;
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.folder = folder;
  }

  /**
   * Starts S3Proxy from its jar, keeping objects under {@code folder}, on a free loopback port.
   *
   * @throws IllegalStateException if the jar is missing or S3Proxy cannot start
   */
  public static InProcessS3Store start(Path s3proxyJar, Path folder) {
    if (!Files.isRegularFile(s3proxyJar)) {
      throw new IllegalStateException("The S3Proxy jar " + s3proxyJar + " is missing");
    }
    // S3Proxy's bundled logback logs every request at INFO unless LOG_LEVEL says otherwise,
    // and prints its own start-up status because its configuration names an unused appender.
    // Both properties are read by logback only, which nothing else here uses.
    if (System.getProperty("LOG_LEVEL") == null && System.getenv("LOG_LEVEL") == null) {
      System.setProperty("LOG_LEVEL", "warn");
    }
    if (System.getProperty("logback.statusListenerClass") == null) {
      System.setProperty("logback.statusListenerClass",
          "ch.qos.logback.core.status.NopStatusListener");
    }
    URLClassLoader loader = null;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      Files.createDirectories(folder);
      loader = new URLClassLoader("s3proxy", new URL[] {s3proxyJar.toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      thread.setContextClassLoader(loader);
      URI endpoint = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress()
          + ":0");
      Properties props = S3ProxyConfig.properties(endpoint, folder);
      Class<?> blobStoreType = loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore");
      Object blobStore = loader.loadClass("org.gaul.s3proxy.BlobStores")
          .getMethod("create", String.class, Properties.class)
          .invoke(null, props.getProperty("jclouds.provider"), props);
      Class<?> builderType = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
      Object builder = builderType.getMethod("fromProperties", Properties.class)
          .invoke(null, props);
      builderType.getMethod("blobStore", blobStoreType).invoke(builder, blobStore);
      Object proxy = builderType.getMethod("build").invoke(builder);
      Class<?> proxyType = proxy.getClass();
      proxyType.getMethod("start").invoke(proxy);
      int port = (Integer) proxyType.getMethod("getPort").invoke(proxy);
      return new InProcessS3Store(loader, proxy, URI.create("http://"
          + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port), folder);
    } catch (InvocationTargetException e) {
      closeQuietly(loader);
      throw new IllegalStateException("S3Proxy did not start: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | IOException | RuntimeException e) {
      closeQuietly(loader);
      throw new IllegalStateException("S3Proxy did not start: " + e, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The client settings that reach this store. */
  public S3ClientSettings clientSettings() {
    return S3ProxyConfig.clientSettings(endpoint);
  }

  /** The folder holding one sub-folder per bucket, the objects as files under their keys. */
  public Path folder() {
    return folder;
  }

  /** Creates a bucket (a folder), as CreateBucket would. */
  public Path createBucket(String bucket) throws IOException {
    return Files.createDirectories(folder.resolve(bucket));
  }

  @Override
  public void close() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      thread.setContextClassLoader(loader);
      Method stop = proxy.getClass().getMethod("stop");
      stop.invoke(proxy);
    } catch (ReflectiveOperationException e) {
      // Jetty would not stop; the embedded mode's JVM ends soon after and takes it along.
    } finally {
      thread.setContextClassLoader(previous);
      closeQuietly(loader);
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    if (loader == null) {
      return;
    }
    try {
      loader.close();
    } catch (IOException e) {
      // Only releases the jar file handle.
    }
  }
}
