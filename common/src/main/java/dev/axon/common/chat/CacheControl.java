package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A prompt-cache breakpoint on a content block, a system block or a tool, as Anthropic's {@code cache_control}: the
 * prefix up to and including the block may be cached. Providers without prompt caching ignore it.
 *
 * @param type {@code ephemeral} (the only type the Messages API knows)
 * @param ttl  null for the provider's default, else {@code 5m} or {@code 1h}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheControl(String type, String ttl) {

  /** The default breakpoint: {@code {"type":"ephemeral"}}. */
  public static final CacheControl EPHEMERAL = new CacheControl("ephemeral", null);
}
