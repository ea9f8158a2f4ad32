package dev.deepscreen.core.inference;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextOptionsSetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * The devices TensorFlow sees under a session configuration, so that a scorer can log at start-up
 * whether it really has the GPU it was deployed for. TensorFlow Java has no public call for this;
 * it goes through the C API the library itself is built on.
 */
public final class TensorFlowDevices {

  /**
   * A device as TensorFlow names it.
   *
   * @param name for example {@code /job:localhost/replica:0/task:0/device:GPU:0}
   * @param type {@code CPU} or {@code GPU}
   * @param memoryBytes memory TensorFlow may use on it, 0 when it does not say
   */
  public record Device(String name, String type, long memoryBytes) {}

  private TensorFlowDevices() {}

  /**
   * Lists the devices a session with {@code config} would see.
   *
   * @throws ModelException if TensorFlow cannot create a context with this configuration
   */
  public static List<Device> list(ConfigProto config) {
    TensorFlow.version(); // loads the native library
    byte[] serialized = config.toByteArray();
    TF_Status status = TF_NewStatus();
    TFE_ContextOptions options = TFE_NewContextOptions();
    try (BytePointer bytes = new BytePointer(serialized)) {
      TFE_ContextOptionsSetConfig(options, bytes, serialized.length, status);
      check(status, "set the configuration");
      TFE_Context context = TFE_NewContext(options, status);
      check(status, "create a context");
      try {
        TF_DeviceList devices = TFE_ContextListDevices(context, status);
        check(status, "list devices");
        try {
          List<Device> result = new ArrayList<>();
          for (int i = 0; i < TF_DeviceListCount(devices); i++) {
            result.add(new Device(TF_DeviceListName(devices, i, status).getString(),
                TF_DeviceListType(devices, i, status).getString(),
                TF_DeviceListMemoryBytes(devices, i, status)));
            check(status, "describe device " + i);
          }
          return result;
        } finally {
          TF_DeleteDeviceList(devices);
        }
      } finally {
        TFE_DeleteContext(context);
      }
    } finally {
      TFE_DeleteContextOptions(options);
      TF_DeleteStatus(status);
    }
  }

  private static void check(TF_Status status, String what) {
    if (TF_GetCode(status) != TF_OK) {
      throw new ModelException("TensorFlow cannot " + what + ": " + TF_Message(status).getString());
    }
  }
}
