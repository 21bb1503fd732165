package dev.axon.api.openai;

/**
 * Which provider and model actually produced a reply (a fallback provider may have served it). Rendered as the
 * extension fields {@code provider} and {@code served_model} of a completion and of a stream's finish chunk, and
 * as the {@code x-axon-provider} / {@code x-axon-served-model} headers of plain responses.
 */
public record ServedBy(String provider, String model) {

  public static final ServedBy UNKNOWN = new ServedBy(null, null);
}
