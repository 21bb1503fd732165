package dev.axon.api.tests;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/** What a test double received, in order, with futures for what has not arrived yet. Thread-safe. */
final class Recorder<T> {

  private final List<T> items = new ArrayList<>();
  private final List<Promise<T>> waiting = new ArrayList<>();

  void record(T item) {
    Promise<T> due = null;
    synchronized (this) {
      items.add(item);
      int index = items.size() - 1;
      if (index < waiting.size()) {
        due = waiting.set(index, null);
      }
    }
    if (due != null) {
      due.complete(item);
    }
  }

  /** Completes with the {@code index}-th item (0-based), at once when it is already there. */
  synchronized Future<T> at(int index) {
    if (index < items.size()) {
      return Future.succeededFuture(items.get(index));
    }
    while (waiting.size() <= index) {
      waiting.add(null);
    }
    Promise<T> promise = waiting.get(index);
    if (promise == null) {
      promise = Promise.promise();
      waiting.set(index, promise);
    }
    return promise.future();
  }

  Future<T> first() {
    return at(0);
  }

  synchronized List<T> all() {
    return List.copyOf(items);
  }

  synchronized int size() {
    return items.size();
  }

  synchronized T get(int index) {
    return items.get(index);
  }
}
