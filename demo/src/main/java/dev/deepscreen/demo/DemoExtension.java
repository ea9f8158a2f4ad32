package dev.deepscreen.demo;

import dev.deepscreen.streams.cli.CommandContext;
import dev.deepscreen.streams.cli.CommandExtension;

/** Adds {@code demo} to the {@code deepscreen} command line of the full distribution. */
public final class DemoExtension implements CommandExtension {

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public Object command(CommandContext context) {
    return new DemoCommand(context);
  }
}
