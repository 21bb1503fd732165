package dev.axon.store.tests;

import io.vertx.core.json.JsonObject;

/** The same contract for the in-memory backend. */
class InMemoryConversationStoreTest extends ConversationStoreContract {

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "memory");
  }
}
