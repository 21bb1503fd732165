package dev.axon.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The limit: the smallest Vert.x HTTP server that reads a POST body and answers a canned chat completion, one
 * instance per core. Whatever the gateway does costs on top of this.
 */
public final class BaselineServer extends VerticleBase {

  static final Buffer COMPLETION = Buffer.buffer("{\"id\":\"chatcmpl-baseline\",\"object\":\"chat.completion\",\"created\":1767225600,"
      + "\"model\":\"claude-sonnet-4-6\",\"system_fingerprint\":\"fp_base\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Hello from the baseline.\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}");

  private final int port;

  BaselineServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .requestHandler(req -> req.body().onSuccess(body -> req.response()
            .putHeader("content-type", "application/json").end(COMPLETION)))
        .listen();
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3900;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BaselineServer(port), new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("baseline listening on 127.0.0.1:" + port))
        .onFailure(e -> {
          System.err.println("baseline failed: " + e.getMessage());
          System.exit(1);
        });
  }
}
