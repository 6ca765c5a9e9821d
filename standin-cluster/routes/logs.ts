// GET …/pods/<pod>/log: the kubelet's log options, validated like the API server does.
import type http from 'node:http';
import { logContainer } from '../log-status.ts';
import { ApiError, notFound } from '../store.ts';
import type { Route, ServerContext } from './context.ts';

export function servePodLog(s: ServerContext, r: Route, q: URLSearchParams, res: http.ServerResponse): void {
  const num = (name: string) => (q.get(name) !== null ? Number(q.get(name)) : undefined);
  for (const name of ['sinceSeconds', 'limitBytes']) {
    const v = num(name);
    if (v !== undefined && !(Number.isInteger(v) && v > 0))
      throw new ApiError(
        422,
        'Invalid',
        `PodLogOptions "${r.name}" is invalid: ${name}: Invalid value: ${q.get(name)}: must be greater than 0`,
      );
  }
  if (q.get('sinceSeconds') !== null && q.get('sinceTime') !== null)
    throw new ApiError(
      422,
      'Invalid',
      `PodLogOptions "${r.name}" is invalid: sinceSeconds: Forbidden: at most one of sinceTime or sinceSeconds may be specified`,
    );
  // The pod must exist, be on a node, and its container must have run (log-status.ts).
  const pod = s.opts.store.get(r.rt, r.namespace, r.name!);
  if (!pod) throw notFound(r.rt, r.name!);
  const container = logContainer(pod, q.get('container') ?? undefined, q.get('previous') === 'true');
  const text = s.opts.hooks.podLog(r.namespace!, r.name!, container, {
    tailLines: num('tailLines'),
    previous: q.get('previous') === 'true',
    sinceSeconds: num('sinceSeconds'),
    sinceTime: q.get('sinceTime') ?? undefined,
    timestamps: q.get('timestamps') === 'true',
    limitBytes: num('limitBytes'),
  });
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(text);
}
