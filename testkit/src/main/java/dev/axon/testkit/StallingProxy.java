package dev.axon.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on loopback whose open connections can be made to hang: after {@link #stall()} they swallow every byte
 * in both directions and never close, like a peer gone behind a firewall that drops packets, while connections made
 * afterwards pass through again. For testing what a client does with a connection that neither answers nor fails.
 * {@link #hold()} is the recoverable kind: requests still reach the server, its answers wait until {@link #release()}.
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

  /** Holds back what the server sends on every connection open now, until {@link #release()}. */
  public void hold() {
    synchronized (links) {
      links.forEach(Link::hold);
    }
  }

  /** Delivers what was held back, then lets the answers through again. */
  public void release() {
    synchronized (links) {
      links.forEach(Link::release);
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
    /** The context both sockets of the link run on (the link is made there). */
    final Context context = Vertx.currentContext();
    /** What the server sent while held; null when answers pass. Touched on the link's context only. */
    Buffer held;

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
        if (stalled) {
          return;
        }
        if (held != null) {
          held.appendBuffer(b);
        } else {
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

    void hold() {
      onServerSide(() -> {
        if (held == null) {
          held = Buffer.buffer();
        }
      });
    }

    void release() {
      onServerSide(() -> {
        if (held != null) {
          in.write(held);
          held = null;
        }
      });
    }

    private void onServerSide(Runnable action) {
      context.runOnContext(v -> action.run());
    }

    void close() {
      in.close();
      out.close();
    }
  }
}
