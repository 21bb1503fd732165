package dev.axon.pool.provider.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.json.Json;

/**
 * The CLI's stream-json line protocol: the lines Axon writes to its stdin and the messages it reads from its
 * stdout. Every line written is one serialized JSON object with no raw newline (a line that is not JSON kills
 * the CLI); every line read is parsed once, here, into a {@link CliMessage}.
 */
final class StreamJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StreamJson() {
  }

  // --- stdin ---------------------------------------------------------------------------------------------------

  /** The readiness handshake; its {@code control_response} means the process is up. */
  static String initialize(String requestId) {
    return control(requestId, F.objectNode().put("subtype", "initialize"));
  }

  /** Selects the model; the CLI checks it (and the credentials) with a one-token upstream request first. */
  static String setModel(String requestId, String model) {
    return control(requestId, F.objectNode().put("subtype", "set_model").put("model", model));
  }

  /** Stops the running turn; the CLI answers, then ends the turn with an error {@code result}. */
  static String interrupt(String requestId) {
    return control(requestId, F.objectNode().put("subtype", "interrupt"));
  }

  /**
   * Drops the conversation from {@code firstUuid} (the first user message since the last reset) on, so the next
   * turn starts from nothing; {@code lastUuid} is the last user message sent.
   */
  static String rewind(String requestId, String firstUuid, String lastUuid) {
    return control(requestId, F.objectNode().put("subtype", "rewind_conversation")
        .put("target_message_uuid", firstUuid).put("last_seen_user_message_uuid", lastUuid));
  }

  /** A user turn with the given content blocks, addressed by {@code uuid} for a later rewind. */
  static String userTurn(String uuid, ArrayNode content) {
    ObjectNode message = F.objectNode().put("role", "user");
    message.set("content", content);
    ObjectNode line = F.objectNode().put("type", "user").put("uuid", uuid).put("session_id", "");
    line.putNull("parent_tool_use_id");
    line.set("message", message);
    return Json.toString(line);
  }

  /** Refuses a permission request from the CLI (there should be none: every tool is disabled). */
  static String denyPermission(String requestId) {
    ObjectNode response = F.objectNode().put("behavior", "deny")
        .put("message", "Tools are disabled in this gateway.");
    ObjectNode body = F.objectNode().put("subtype", "success").put("request_id", requestId);
    body.set("response", response);
    return Json.toString(F.objectNode().put("type", "control_response").set("response", body));
  }

  /** Refuses any other request from the CLI. */
  static String refuseRequest(String requestId, String why) {
    ObjectNode body = F.objectNode().put("subtype", "error").put("request_id", requestId).put("error", why);
    return Json.toString(F.objectNode().put("type", "control_response").set("response", body));
  }

  private static String control(String requestId, ObjectNode request) {
    ObjectNode line = F.objectNode().put("type", "control_request").put("request_id", requestId);
    line.set("request", request);
    return Json.toString(line);
  }

  // --- stdout --------------------------------------------------------------------------------------------------

  /** One stdout line, typed by what Axon does with it. */
  sealed interface CliMessage {
  }

  /** A raw Messages API stream event of the running turn ({@code --include-partial-messages}). */
  record StreamEvent(JsonNode event) implements CliMessage {
  }

  /**
   * The end of a turn. {@code isError} is what counts ({@code subtype} can say success for a failed turn);
   * {@code apiErrorStatus} is the upstream's HTTP status when the upstream failed it.
   */
  record Result(boolean isError, String subtype, String stopReason, String terminalReason, Integer apiErrorStatus,
                String text, JsonNode usage) implements CliMessage {
  }

  /** The answer to one of Axon's control requests. */
  record ControlResponse(String requestId, boolean success, JsonNode response, String error) implements CliMessage {
  }

  /** A request from the CLI to its host (a permission prompt, a hook callback). */
  record ControlRequest(String requestId, String subtype) implements CliMessage {
  }

  /** The CLI retries an upstream request. */
  record ApiRetry(int attempt, int errorStatus, String error) implements CliMessage {
  }

  /** Anything else (system/init, assistant and user echoes, status lines): not needed. */
  record Other(String type) implements CliMessage {
  }

  /** Types one parsed stdout line. */
  static CliMessage parse(JsonNode line) {
    String type = line.path("type").asText("");
    switch (type) {
      case "stream_event":
        return new StreamEvent(line.path("event"));
      case "result":
        return new Result(line.path("is_error").asBoolean(false), line.path("subtype").asText(null),
            textOrNull(line, "stop_reason"), textOrNull(line, "terminal_reason"),
            line.hasNonNull("api_error_status") && line.get("api_error_status").canConvertToInt()
                ? line.get("api_error_status").asInt() : null,
            textOrNull(line, "result"), line.path("usage"));
      case "control_response": {
        JsonNode r = line.path("response");
        return new ControlResponse(r.path("request_id").asText(""), "success".equals(r.path("subtype").asText()),
            r.path("response"), textOrNull(r, "error"));
      }
      case "control_request":
        return new ControlRequest(line.path("request_id").asText(""), line.path("request").path("subtype").asText(""));
      case "system":
        if ("api_retry".equals(line.path("subtype").asText())) {
          return new ApiRetry(line.path("attempt").asInt(), line.path("error_status").asInt(), textOrNull(line, "error"));
        }
        return new Other("system/" + line.path("subtype").asText(""));
      default:
        return new Other(type);
    }
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
