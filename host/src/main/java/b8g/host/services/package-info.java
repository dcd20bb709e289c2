/**
 * Services: objects whose methods components call ({@code await env.orders.lookup(id)}), served by
 * the embedding Java application ({@link b8g.host.services.Service}, registered with {@code
 * Host.Context.service}) or by a component of the manifest. {@link b8g.host.services.ServiceHub}
 * makes two rings per client grant (requests and responses, host memory, shared with worker
 * processes when a side runs in one) and, for a Java service, a {@code ServicePump} per client
 * that reads its requests in place, runs them off the component's thread and writes the answers.
 * Wire format and values: {@link b8g.components.ServiceBinding}, {@link
 * b8g.components.ServiceValues}.
 */
package b8g.host.services;
