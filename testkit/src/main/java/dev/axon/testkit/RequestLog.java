package dev.axon.testkit;

import dev.axon.testkit.anthropic.RecordedRequest;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests a mock upstream received, oldest first. Bounded to the most recent {@value #MAX}, so a benchmark's
 * millions of requests neither fill the heap nor slow the mock down (a copy-on-write list made every request
 * cost a copy of all the earlier ones). Safe from any thread.
 */
public final class RequestLog {

  public static final int MAX = 1000;

  private final ConcurrentLinkedDeque<RecordedRequest> requests = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();

  public void add(RecordedRequest request) {
    requests.addLast(request);
    if (size.incrementAndGet() > MAX && requests.pollFirst() != null) {
      size.decrementAndGet();
    }
  }

  public List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  public void clear() {
    requests.clear();
    size.set(0);
  }
}
