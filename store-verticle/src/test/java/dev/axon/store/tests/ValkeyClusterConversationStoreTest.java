package dev.axon.store.tests;

import dev.axon.testkit.ValkeyClusterFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The store contract against a three-master Valkey cluster: a conversation's keys share one slot (hash tag), so
 * the atomic scripts run there; the live set is counted apart.
 */
class ValkeyClusterConversationStoreTest extends ConversationStoreContract {

  static final ValkeyClusterFixture CLUSTER = ValkeyClusterFixture.shared();

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "valkey")
        .put("valkey", new JsonObject().put("mode", "cluster").put("endpoints", new JsonArray(CLUSTER.endpoints())));
  }
}
