package dev.axon.store.valkey;

import java.util.List;

/**
 * The Valkey key layout. The conversation id is the hash tag, so a conversation's keys share one cluster slot
 * and one script can touch them all; an owner's index is tagged by the owner hash, so it has a slot of its own.
 */
final class ConversationKeys {

  /** A sorted set of live conversation ids scored by expiry time: the conversation count without a scan. */
  static final String LIVE_SET = "axon:conversations";

  private ConversationKeys() {
  }

  static String meta(String id) {
    return "axon:conv:{" + id + "}";
  }

  static String messages(String id) {
    return "axon:conv:{" + id + "}:messages";
  }

  static String lock(String id) {
    return "axon:conv:{" + id + "}:lock";
  }

  static List<String> all(String id) {
    return List.of(meta(id), messages(id), lock(id));
  }

  /** An owner's conversations, scored by creation time (ms): the listing, newest first. */
  static String ownerIndex(String ownerHash) {
    return "axon:owner:{" + ownerHash + "}:conversations";
  }

  /** The same ids scored by expiry time (ms), so expired entries leave the index. */
  static String ownerExpiry(String ownerHash) {
    return "axon:owner:{" + ownerHash + "}:expiry";
  }

  static List<String> owner(String ownerHash) {
    return List.of(ownerIndex(ownerHash), ownerExpiry(ownerHash));
  }
}
