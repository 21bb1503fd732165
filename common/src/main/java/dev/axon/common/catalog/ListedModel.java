package dev.axon.common.catalog;

/**
 * A model an upstream offers, as its provider listed it.
 *
 * @param id       the model id clients send
 * @param provider the provider whose upstream lists it
 * @param ownedBy  the upstream's {@code owned_by}, or the provider name
 * @param created  the upstream's creation time in seconds, 0 when unknown
 */
public record ListedModel(String id, String provider, String ownedBy, long created) {
}
