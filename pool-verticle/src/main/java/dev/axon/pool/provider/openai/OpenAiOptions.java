package dev.axon.pool.provider.openai;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import dev.axon.pool.provider.http.HttpUpstreamOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Options of the {@code openai} provider (any OpenAI-compatible upstream: vLLM, Ollama, OpenAI), from
 * {@code pool.openai}: the HTTP upstream (see {@link HttpUpstreamOptions}; the base URL includes the API's version
 * path, as OpenAI's SDKs take it, e.g. {@code http://localhost:8000/v1}) plus:
 *
 * <pre>
 * maxTokensField: max_tokens      # or max_completion_tokens (OpenAI's reasoning models want that one)
 * developerRole: system           # how developer messages are sent: system (widest support) or developer
 * streamUsage: true               # ask for usage in streams (stream_options.include_usage)
 * stream: auto                    # ask the upstream for a stream: auto (when the client streams), always, never
 * listModels: true                # merge the upstream's GET /models into /v1/models
 * listModelsCacheMs: 60000
 * models: {llama-3-70b: meta-llama/Meta-Llama-3-70B-Instruct}   # served name → upstream model id
 * </pre>
 */
public final class OpenAiOptions {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  /** How long the upstream's model list is reused. */
  public static final long DEFAULT_LIST_MODELS_CACHE_MS = 60_000;

  private final HttpUpstreamOptions http;
  private final String maxTokensField;
  private final String developerRole;
  private final boolean streamUsage;
  private final boolean listModels;
  private final long listModelsCacheMs;
  private final Map<String, String> models;

  public OpenAiOptions(JsonObject json) {
    JsonObject o = json == null ? new JsonObject() : json;
    ConfigReader r = new ConfigReader(o, "pool.openai");
    http = new HttpUpstreamOptions(o, "pool.openai", DEFAULT_BASE_URL);
    maxTokensField = r.string("maxTokensField", "max_tokens");
    if (!maxTokensField.equals("max_tokens") && !maxTokensField.equals("max_completion_tokens")) {
      throw new ConfigException(r.key("maxTokensField"), "must be max_tokens or max_completion_tokens, got '" + maxTokensField + "'");
    }
    developerRole = r.string("developerRole", "system");
    if (!developerRole.equals("system") && !developerRole.equals("developer")) {
      throw new ConfigException(r.key("developerRole"), "must be system or developer, got '" + developerRole + "'");
    }
    streamUsage = r.bool("streamUsage", true);
    listModels = r.bool("listModels", true);
    listModelsCacheMs = r.longValue("listModelsCacheMs", DEFAULT_LIST_MODELS_CACHE_MS, 0, 86_400_000);
    models = r.stringMap("models");
  }

  public HttpUpstreamOptions http() {
    return http;
  }

  public String maxTokensField() {
    return maxTokensField;
  }

  public String developerRole() {
    return developerRole;
  }

  public boolean streamUsage() {
    return streamUsage;
  }


  public boolean listModels() {
    return listModels;
  }

  public long listModelsCacheMs() {
    return listModelsCacheMs;
  }

  /** The upstream's id for a served model. */
  public String upstreamModel(String model) {
    return models.getOrDefault(model, model);
  }

  /** The served name of an upstream id (the reverse of {@code models}), for listings. */
  public String servedName(String upstreamId) {
    for (Map.Entry<String, String> e : models.entrySet()) {
      if (e.getValue().equals(upstreamId)) {
        return e.getKey();
      }
    }
    return upstreamId;
  }
}
