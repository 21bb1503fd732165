package dev.axon.store.tests;

import dev.axon.testkit.ValkeyClusterFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Rate limits and metering on a three-master cluster: a key's counters share a slot; totals are written apart. */
class ValkeyClusterTenantStoreTest extends TenantStoreContract {

  static final ValkeyClusterFixture CLUSTER = ValkeyClusterFixture.shared();

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "valkey")
        .put("valkey", new JsonObject().put("mode", "cluster").put("endpoints", new JsonArray(CLUSTER.endpoints())));
  }
}
