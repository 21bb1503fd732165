package dev.axon.api.auth;

/**
 * A client's key as the gateway knows it: a name for logs and the owner hash that marks its data. The key
 * itself is never kept.
 *
 * @param ownerHash the first 32 hex digits of the key's SHA-256, stored as the owner of its conversations
 */
public record ApiKey(String name, String ownerHash) {
}
