// Fault hooks of the stand-in API server: a matching request is answered with a status, delayed,
// held open or dropped, a given number of times.

export interface Fault {
  method?: string;
  path: RegExp | string; // regex (string form) matched against the path (no query)
  query?: RegExp | string; // optional regex on the raw query string
  times?: number; // how many requests it applies to (default: unlimited)
  status?: number;
  body?: unknown; // object -> JSON, string -> as is
  headers?: Record<string, string>;
  delayMs?: number; // wait, then respond with status/body if given, else pass through
  hang?: boolean; // never answer (socket closed at stop)
  drop?: boolean; // destroy the connection without a response
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

export class Faults {
  private list: (Fault & { hitsCount: number; re: RegExp; qre?: RegExp })[] = [];
  add(f: Fault): FaultHandle {
    const entry = {
      ...f,
      hitsCount: 0,
      re: typeof f.path === 'string' ? new RegExp(f.path) : f.path,
      qre: f.query === undefined ? undefined : typeof f.query === 'string' ? new RegExp(f.query) : f.query,
    };
    this.list.push(entry);
    return {
      get hits() {
        return entry.hitsCount;
      },
      remove: () => {
        this.list = this.list.filter((x) => x !== entry);
      },
    };
  }
  clear(): void {
    this.list = [];
  }
  /** @internal */
  take(method: string, path: string, rawQuery: string): Fault | undefined {
    for (const f of this.list) {
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (!f.re.test(path)) continue;
      if (f.qre && !f.qre.test(rawQuery)) continue;
      if (f.times !== undefined && f.hitsCount >= f.times) continue;
      f.hitsCount++;
      return f;
    }
    return undefined;
  }
}
