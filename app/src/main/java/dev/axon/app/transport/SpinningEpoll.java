package dev.axon.app.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.EpollIoHandler;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's epoll transport, with event loops that poll a little before they sleep ({@link SpinStrategy}).
 *
 * <p>An event loop that finds nothing to do blocks in {@code epoll_wait} and its CPU may go idle; the reply it waits
 * for (Valkey's, the upstream's, the client's next request) then has to wake it. On a virtual machine an idle virtual
 * CPU halts, and waking it costs a trip through the hypervisor: on the benchmark's 2-core VM (guest halt polling off),
 * the one-connection stored turn took 0.52–0.86 ms through a sleeping gateway against 0.34–0.50 ms through one that
 * polled for 400 µs (p50, `wrk`, five-second runs in turn).
 */
public final class SpinningEpoll implements Transport {

  private final io.vertx.core.spi.transport.Transport implementation;

  public SpinningEpoll(EventLoopSpin spin) {
    this.implementation = new EpollTransport() {
      @Override
      public IoHandlerFactory ioHandlerFactory() {
        // 0: Netty's default number of events read per epoll_wait.
        return EpollIoHandler.newFactory(0, () -> new SpinStrategy(spin, System::nanoTime));
      }
    };
  }

  @Override
  public String name() {
    return EPOLL.name();
  }

  @Override
  public boolean available() {
    return EPOLL.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return EPOLL.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }
}
