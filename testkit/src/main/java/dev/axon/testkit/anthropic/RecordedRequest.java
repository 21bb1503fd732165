package dev.axon.testkit.anthropic;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One request a mock upstream received, as it arrived.
 *
 * @param headers lower-cased header names, the last value of each
 * @param body    the parsed JSON body, or null when there was none or it was not JSON
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, JsonObject body, long receivedAtMillis) {

  public String header(String name) {
    return headers.get(name.toLowerCase());
  }
}
