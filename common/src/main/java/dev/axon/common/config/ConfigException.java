package dev.axon.common.config;

/** A configuration value is missing or wrong; the message names the key so the operator can fix it. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super("configuration key '" + key + "': " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
