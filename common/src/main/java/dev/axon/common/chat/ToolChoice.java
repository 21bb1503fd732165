package dev.axon.common.chat;

/** Whether and which tool the model must call. {@code functionName} is set only for {@link Mode#FUNCTION}. */
public record ToolChoice(Mode mode, String functionName) {

  public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

  public static ToolChoice function(String name) {
    return new ToolChoice(Mode.FUNCTION, name);
  }
}
