/**
 * Preloaded (`node --import`) into every example the pack check runs: a connection to anything
 * but the loopback throws, so an example that would reach the network fails instead of passing
 * because the network happened to be there.
 */
import net from 'node:net';

const connect = net.Socket.prototype.connect;

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

net.Socket.prototype.connect = function connectToLoopbackOnly(...args) {
  // net.connect passes its normalised arguments as one array; sockets take (options), (port, host)
  // or (path).
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  if (options !== null && typeof options === 'object') {
    // A port means TCP (HTTP agents pass the request's `path` along); a path alone, a pipe.
    const tcp = options.port != null || options.path == null;
    host = tcp ? (options.host ?? 'localhost') : undefined;
  } else if (typeof options === 'number' || /^\d+$/.test(String(options))) {
    host = typeof second === 'string' ? second : 'localhost';
  }
  if (host !== undefined && !isLoopback(host)) {
    throw new Error(
      `pack check: the example tried to connect to ${host}; README quick starts must not reach the network (point SDKs at the mock provider through OPENAI_BASE_URL / ANTHROPIC_BASE_URL)`,
    );
  }
  return connect.apply(this, args);
};
