package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Generation parameters; a null field means "not given, the provider's default". Some of them have no
 * meaning for Claude (penalties, logit bias, seed, logprobs): they are carried so a provider that supports
 * them (an OpenAI-compatible upstream) can pass them on.
 *
 * @param maxTokens the cap on generated tokens ({@code max_completion_tokens} or {@code max_tokens})
 * @param stop      stop sequences, empty when none
 * @param topK      sample only from the K likeliest tokens (Anthropic's {@code top_k}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sampling(
    Double temperature,
    Double topP,
    Integer maxTokens,
    List<String> stop,
    Long seed,
    Double presencePenalty,
    Double frequencyPenalty,
    Map<String, Integer> logitBias,
    Boolean logprobs,
    Integer topLogprobs,
    String reasoningEffort,
    String serviceTier,
    Integer topK) {

  public static final Sampling DEFAULTS = new Sampling(null, null, null, List.of(), null, null, null, null, null, null, null, null, null);

  public Sampling {
    stop = stop == null ? List.of() : List.copyOf(stop);
    logitBias = logitBias == null ? null : Map.copyOf(logitBias);
  }

  public Sampling(Double temperature, Double topP, Integer maxTokens, List<String> stop, Long seed, Double presencePenalty,
                  Double frequencyPenalty, Map<String, Integer> logitBias, Boolean logprobs, Integer topLogprobs,
                  String reasoningEffort, String serviceTier) {
    this(temperature, topP, maxTokens, stop, seed, presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs,
        reasoningEffort, serviceTier, null);
  }

  public Sampling withTopK(Integer k) {
    return new Sampling(temperature, topP, maxTokens, stop, seed, presencePenalty, frequencyPenalty, logitBias, logprobs,
        topLogprobs, reasoningEffort, serviceTier, k);
  }
}
