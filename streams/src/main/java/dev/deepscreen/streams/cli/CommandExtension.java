package dev.deepscreen.streams.cli;

/**
 * A subcommand that ships apart from the stages: {@code demo}, whose in-process broker, Connect
 * worker and S3 store the stage distribution (and so every stage image) leaves out. The full
 * distribution has it in {@code lib/demo/}, which {@link CommandExtensions} loads only when the
 * command is asked for. Implementations are found with {@link java.util.ServiceLoader}.
 */
public interface CommandExtension {

  /** The subcommand's name: {@code demo}. */
  String name();

  /** A new picocli command object (a class annotated with {@code @Command}). */
  Object command(CommandContext context);
}
