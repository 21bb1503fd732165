package dev.axon.pool.provider.anthropic;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import dev.axon.pool.provider.http.HttpUpstreamOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options of the {@code anthropic} provider, from {@code pool.anthropic}: the HTTP upstream (see
 * {@link HttpUpstreamOptions}) plus the Messages API specifics.
 *
 * <pre>
 * version: 2023-06-01            # anthropic-version
 * beta: []                       # extra anthropic-beta names sent with every request
 * defaultMaxTokens: 8192         # max_tokens when the client sends none (per model: maxTokens)
 * maxTokens: {claude-opus-4-6: 32000}
 * thinkingBudgets: {minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768}
 * structuredOutputs: auto        # auto | native | beta | tool
 * stream: auto                   # ask the upstream for a stream: auto (when the client streams), always, never
 * models: {claude-sonnet-4-6: claude-sonnet-4-6}   # served name → upstream model id (default: the same)
 * </pre>
 */
public final class AnthropicOptions {

  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  public static final String DEFAULT_VERSION = "2023-06-01";
  /** {@code max_tokens} when the client gives none and the model has no entry in {@code maxTokens}. */
  public static final int DEFAULT_MAX_TOKENS = 8192;
  /** The beta that enables {@code output_format} (the pre-GA spelling of structured outputs). */
  public static final String STRUCTURED_OUTPUTS_BETA = "structured-outputs-2025-11-13";
  /** Anthropic's smallest thinking budget. */
  public static final int MIN_THINKING_BUDGET = 1024;
  public static final Map<String, Integer> DEFAULT_THINKING_BUDGETS = defaultBudgets();

  /** How {@code response_format} json_schema / json_object is guaranteed (see the README's mapping table). */
  public enum StructuredOutputs {
    /** Strict schemas and any turn with thinking: native structured outputs; otherwise a forced tool. */
    AUTO,
    /** Always {@code output_config.format} (constrained decoding). */
    NATIVE,
    /** Always {@code output_format} with the {@code structured-outputs-2025-11-13} beta header. */
    BETA,
    /** A forced tool whenever the API allows one (no thinking, no client tools); native otherwise. */
    TOOL
  }

  private final HttpUpstreamOptions http;
  private final String version;
  private final List<String> betas;
  private final int defaultMaxTokens;
  private final Map<String, Integer> maxTokens;
  private final Map<String, Integer> thinkingBudgets;
  private final StructuredOutputs structuredOutputs;
  private final Map<String, String> models;

  public AnthropicOptions(JsonObject json) {
    JsonObject o = json == null ? new JsonObject() : json;
    ConfigReader r = new ConfigReader(o, "pool.anthropic");
    http = new HttpUpstreamOptions(o, "pool.anthropic", DEFAULT_BASE_URL);
    version = r.string("version", DEFAULT_VERSION);
    betas = List.copyOf(r.strings("beta"));
    defaultMaxTokens = r.intValue("defaultMaxTokens", DEFAULT_MAX_TOKENS, 1, 10_000_000);
    maxTokens = new LinkedHashMap<>();
    ConfigReader perModel = r.child("maxTokens");
    for (String model : perModel.raw().fieldNames()) {
      maxTokens.put(model, perModel.intValue(model, defaultMaxTokens, 1, 10_000_000));
    }
    thinkingBudgets = new LinkedHashMap<>(DEFAULT_THINKING_BUDGETS);
    ConfigReader budgets = r.child("thinkingBudgets");
    for (String effort : budgets.raw().fieldNames()) {
      if (!DEFAULT_THINKING_BUDGETS.containsKey(effort)) {
        throw new ConfigException(budgets.key(effort), "unknown reasoning effort; known: " + DEFAULT_THINKING_BUDGETS.keySet());
      }
      thinkingBudgets.put(effort, budgets.intValue(effort, DEFAULT_THINKING_BUDGETS.get(effort), MIN_THINKING_BUDGET, 1_000_000));
    }
    String mode = r.string("structuredOutputs", "auto");
    try {
      structuredOutputs = StructuredOutputs.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(r.key("structuredOutputs"), "must be auto, native, beta or tool, got '" + mode + "'");
    }
    models = r.stringMap("models");
  }

  public HttpUpstreamOptions http() {
    return http;
  }

  public String version() {
    return version;
  }

  public List<String> betas() {
    return betas;
  }

  /** The default {@code max_tokens} of a served model. */
  public int maxTokensFor(String model) {
    return maxTokens.getOrDefault(model, defaultMaxTokens);
  }

  /** The thinking budget of a reasoning effort, or 0 for none (absent, {@code none}, or unknown). */
  public int thinkingBudget(String effort) {
    return effort == null ? 0 : thinkingBudgets.getOrDefault(effort, 0);
  }

  public StructuredOutputs structuredOutputs() {
    return structuredOutputs;
  }


  /** The upstream's id for a served model. */
  public String upstreamModel(String model) {
    return models.getOrDefault(model, model);
  }

  private static Map<String, Integer> defaultBudgets() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("minimal", 1024);
    m.put("low", 2048);
    m.put("medium", 8192);
    m.put("high", 16384);
    m.put("xhigh", 32768);
    return java.util.Collections.unmodifiableMap(m);
  }
}
