package dev.deepscreen.trainer.pytorch;

/** A global that the allow-list let through, with what calling it means here. */
record Global(String module, String name, Kind kind) {

  enum Kind {
    ORDERED_DICT,
    REBUILD_TENSOR,
    REBUILD_TENSOR_V2,
    REBUILD_PARAMETER,
    REBUILD_PARAMETER_WITH_STATE,
    STORAGE_CLASS,
    CODECS_ENCODE,
    /** Called or instantiated, it becomes a {@link PendingObject}. */
    OPAQUE
  }

  String dottedName() {
    return module + "." + name;
  }
}
