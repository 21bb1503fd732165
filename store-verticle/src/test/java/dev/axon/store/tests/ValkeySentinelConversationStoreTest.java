package dev.axon.store.tests;

import dev.axon.testkit.ValkeySentinelFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The store contract through a Sentinel that points at the master. */
class ValkeySentinelConversationStoreTest extends ConversationStoreContract {

  static final ValkeySentinelFixture SENTINEL = ValkeySentinelFixture.shared();

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "valkey")
        .put("valkey", new JsonObject().put("mode", "sentinel").put("masterName", ValkeySentinelFixture.MASTER_NAME)
            .put("endpoints", new JsonArray().add(SENTINEL.sentinelEndpoint())));
  }
}
