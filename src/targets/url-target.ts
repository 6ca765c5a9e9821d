// The simplest target: a frontend already reachable at a URL. Nothing to open or undo.

import type { TargetSession } from '../session.js';

export function urlSession(baseUrl: string): TargetSession {
  return { baseUrl, service: '', limitations: [], details: [], close: async () => undefined };
}
