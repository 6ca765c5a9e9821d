// Cluster DNS inside the stand-in's Node-image pods: preloaded by the kubelet (NODE_OPTIONS=--import),
// it answers Service names the way a pod's resolv.conf (search <ns>.svc.cluster.local svc.cluster.local
// cluster.local, ndots 5) and CoreDNS would: `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc` and
// `<svc>.<ns>.svc.cluster.local` resolve to the Service's address from the hosts file
// service-network.ts keeps (STANDIN_CLUSTER_DNS); a missing `…svc.cluster.local` name is NXDOMAIN
// (ENOTFOUND); anything else goes to the host's resolver. node:http, fetch and node:net use dns.lookup.
import dns from 'node:dns';
import { readFileSync } from 'node:fs';

const hostsFile = process.env.STANDIN_CLUSTER_DNS;
const podNamespace = process.env.STANDIN_POD_NAMESPACE || 'default';

function services() {
  try {
    return JSON.parse(readFileSync(hostsFile, 'utf8'));
  } catch {
    return {};
  }
}

/** The Service address for `name`, null for a cluster name that does not exist, undefined: not ours. */
function resolve(name) {
  if (typeof name !== 'string' || !hostsFile) return undefined;
  const absolute = name.endsWith('.');
  const host = name.toLowerCase().replace(/\.$/, '');
  const known = services();
  const labels = host.split('.');
  if (host.endsWith('.svc.cluster.local')) {
    const rest = labels.slice(0, -3);
    return rest.length === 2 ? (known[rest.join('.')] ?? null) : null;
  }
  if (absolute) return undefined;
  if (labels.length === 3 && labels[2] === 'svc') return known[`${labels[0]}.${labels[1]}`] ?? undefined;
  if (labels.length === 2) return known[host] ?? undefined;
  if (labels.length === 1) return known[`${host}.${podNamespace}`] ?? undefined;
  return undefined;
}

function notFound(hostname) {
  const err = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  err.errno = -3008;
  err.syscall = 'getaddrinfo';
  err.hostname = hostname;
  return err;
}

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts =
    typeof options === 'number' ? { family: options } : typeof options === 'object' && options ? options : {};
  const address = resolve(hostname);
  if (address === undefined) return original.call(dns, hostname, options, callback);
  process.nextTick(() => {
    if (address === null || opts.family === 6 || opts.family === 'IPv6') return cb(notFound(hostname));
    if (opts.all) return cb(null, [{ address, family: 4 }]);
    cb(null, address, 4);
  });
  return {};
};

const originalPromise = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  const opts = typeof options === 'number' ? { family: options } : (options ?? {});
  const address = resolve(hostname);
  if (address === undefined) return originalPromise.call(dns.promises, hostname, options);
  if (address === null || opts.family === 6 || opts.family === 'IPv6') throw notFound(hostname);
  return opts.all ? [{ address, family: 4 }] : { address, family: 4 };
};
