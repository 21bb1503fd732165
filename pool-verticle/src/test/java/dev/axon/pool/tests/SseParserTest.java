package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.pool.provider.http.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE parser takes the body in any split: lines across buffers, CRLF, multi-byte characters, comments. */
class SseParserTest {

  static List<String> parse(byte[] body, int chunk) {
    List<String> out = new ArrayList<>();
    SseParser parser = new SseParser((event, data) -> out.add(event + "|" + data));
    for (int i = 0; i < body.length; i += chunk) {
      parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk))));
    }
    parser.end();
    return out;
  }

  @Test
  void eventsSurviveAnySplitOfTheBody() {
    String text = "event: message_start\ndata: {\"a\":\"é ✓\"}\n\n: a comment\n\nevent: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
        + "data: first\ndata: second\n\ndata:[DONE]\n\n";
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    List<String> expected = List.of("message_start|{\"a\":\"é ✓\"}", "ping|{\"type\": \"ping\"}", "null|first\nsecond", "null|[DONE]");
    for (int chunk = 1; chunk <= body.length; chunk++) {
      assertEquals(expected, parse(body, chunk), "split every " + chunk + " bytes");
    }
  }

  @Test
  void longLinesAndFieldsWithoutAColon() {
    String longData = "x".repeat(5000);
    String text = "event: big\ndata: " + longData + "\n\ndata\n\neventual: not a field we know\ndata: y\n\n";
    assertEquals(List.of("big|" + longData, "null|", "null|y"), parse(text.getBytes(StandardCharsets.UTF_8), 333));
  }

  @Test
  void anUnfinishedEventIsNotDispatched() {
    assertEquals(List.of("e|x"), parse("event: e\ndata: x\n\nevent: f\ndata: y\n".getBytes(StandardCharsets.UTF_8), 7));
  }
}
