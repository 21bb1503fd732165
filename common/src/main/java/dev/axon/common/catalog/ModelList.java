package dev.axon.common.catalog;

import java.util.List;

/**
 * The answer on {@link dev.axon.common.bus.Addresses#POOL_MODELS}: the models the pool's upstreams list and the
 * pool would route to them (so a client can use every one). Empty when no provider lists models.
 */
public record ModelList(List<ListedModel> models) {

  public static final ModelList EMPTY = new ModelList(List.of());

  public ModelList {
    models = models == null ? List.of() : List.copyOf(models);
  }
}
