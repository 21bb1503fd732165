/**
 * HTTP plumbing of the edge: responses, error rendering in the request's {@link dev.axon.api.http.Dialect}, request
 * ids, JSON bodies in and out ({@link dev.axon.api.http.JsonInput}, {@link dev.axon.api.http.JsonWriter}), and the
 * guards against hostile or slow
 * clients: {@link dev.axon.api.http.RequestGuards} (paths, content types), {@link dev.axon.api.http.ConnectionDeadlines}
 * (slowloris, slow bodies, idle keep-alive), {@link dev.axon.api.http.StreamGuard} (streams whose client stopped
 * reading). Guards are confined to the context of the verticle instance whose server accepted the connection.
 */
package dev.axon.api.http;
