package dev.axon.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on loopback whose open connections can be made to hang: after {@link #stall()} they swallow every byte
 * in both directions and never close, like a peer gone behind a firewall that drops packets, while connections made
 * afterwards pass through again. For testing what a client does with a connection that neither answers nor fails.
 */
public final class StallingProxy {

  private final NetServer server;
  private final List<Link> links = new ArrayList<>();

  private StallingProxy(NetServer server) {
    this.server = server;
  }

  /** A proxy to {@code host:port}, listening on a free loopback port. */
  public static Future<StallingProxy> start(Vertx vertx, String host, int port) {
    NetServer server = vertx.createNetServer();
    NetClient client = vertx.createNetClient();
    StallingProxy proxy = new StallingProxy(server);
    server.connectHandler(in -> {
      in.pause();
      client.connect(port, host).onComplete(connected -> {
        if (connected.failed()) {
          in.close();
          return;
        }
        Link link = new Link(in, connected.result());
        synchronized (proxy.links) {
          proxy.links.add(link);
        }
        link.start();
      });
    });
    return server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  /** Makes every connection open now hang for good; later connections are proxied as usual. */
  public void stall() {
    synchronized (links) {
      links.forEach(l -> l.stalled = true);
    }
  }

  public Future<Void> close() {
    synchronized (links) {
      links.forEach(Link::close);
    }
    return server.close();
  }

  private static final class Link {
    final NetSocket in;
    final NetSocket out;
    volatile boolean stalled;

    Link(NetSocket in, NetSocket out) {
      this.in = in;
      this.out = out;
    }

    void start() {
      in.handler(b -> {
        if (!stalled) {
          out.write(b);
        }
      });
      out.handler(b -> {
        if (!stalled) {
          in.write(b);
        }
      });
      // A stalled link hides the server's close too, as a dropped network would.
      in.closeHandler(v -> out.close());
      out.closeHandler(v -> {
        if (!stalled) {
          in.close();
        }
      });
      in.resume();
    }

    void close() {
      in.close();
      out.close();
    }
  }
}
