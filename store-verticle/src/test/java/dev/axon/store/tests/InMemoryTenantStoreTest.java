package dev.axon.store.tests;

import io.vertx.core.json.JsonObject;

/** Rate limits and metering in memory. */
class InMemoryTenantStoreTest extends TenantStoreContract {

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "memory");
  }
}
