// The frontend logs one line per routed request naming the router mode, e.g.
//   … push_router: Selected worker router_mode="round-robin" worker_id=…
//   … kv_router::scheduling::selector: Selected worker router_mode="kv" …
// Counting those lines in a window is the most direct evidence of the mode in effect.

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const SELECTED = /Selected worker\s+router_mode="?([a-z][a-z-]*)"?/g;

// Log names that differ from the CLI's mode names (Dynamo 1.6.1).
const LOG_NAMES: Record<string, string> = { 'power-of-two-choices': 'power-of-two' };

// Dynamo 1.3.x logs each kv-routed request twice: the kv selector's line, then the push router's
// `Selected worker router_mode="direct"` for the hop to the chosen worker, inside the
// `kv_router.route_request` span. That second line is kv routing, not direct mode.
const KV_HOP = /kv_router\.route_request[^\n]*push_router: Selected worker\s+router_mode="?direct"?/;

export function routerModesInLog(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.replace(ANSI, '').split('\n')) {
    if (KV_HOP.test(line)) continue;
    for (const match of line.matchAll(SELECTED)) {
      const mode = LOG_NAMES[match[1]] ?? match[1];
      counts[mode] = (counts[mode] ?? 0) + 1;
    }
  }
  return counts;
}
