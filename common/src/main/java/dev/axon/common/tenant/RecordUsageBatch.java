package dev.axon.common.tenant;

import java.util.List;

/**
 * Meters several finished chat completions, each as its {@link RecordUsage} would be. Sent one-way (no reply): an API
 * instance gathers the usage of the exchanges that end in one pass of its event loop into one message, so the store
 * gets one message per pass instead of one per request (a thread crossing when the store runs on another loop, a
 * network message when it runs on another node).
 */
public record RecordUsageBatch(List<RecordUsage> records) {

  public RecordUsageBatch {
    records = records == null ? List.of() : List.copyOf(records);
  }
}
