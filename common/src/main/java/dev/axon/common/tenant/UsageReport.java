package dev.axon.common.tenant;

import java.util.List;

/** The answer to a {@link UsageQuery}: one record per day and model that saw any request, by date then model. */
public record UsageReport(List<UsageRecord> records) {

  public UsageReport {
    records = records == null ? List.of() : List.copyOf(records);
  }
}
