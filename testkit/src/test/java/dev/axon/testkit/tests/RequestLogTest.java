package dev.axon.testkit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.testkit.RequestLog;
import dev.axon.testkit.anthropic.RecordedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLogTest {

  @Test
  void keepsOnlyTheMostRecentRequests() {
    RequestLog log = new RequestLog();
    for (int i = 0; i < RequestLog.MAX + 250; i++) {
      log.add(new RecordedRequest("POST", "/v1/messages/" + i, Map.of(), null, i));
    }
    List<RecordedRequest> all = log.all();
    assertEquals(RequestLog.MAX, all.size());
    assertEquals("/v1/messages/250", all.get(0).path());
    assertEquals("/v1/messages/" + (RequestLog.MAX + 249), all.get(all.size() - 1).path());
    log.clear();
    log.add(new RecordedRequest("GET", "/v1/models", Map.of(), null, 0));
    assertEquals(1, log.all().size());
  }
}
