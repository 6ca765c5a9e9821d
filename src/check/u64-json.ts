// JSON.parse that keeps Dynamo's worker and instance ids exact. They are unsigned 64-bit integers,
// most of them above 2^53, where a JS number silently changes their last digits; the reviver takes
// such a number from its source text instead (JSON.parse source access, Node 21+).

type ReviverContext = { source?: string };

/** Parses `text`; a number under a key `isIdKey` accepts comes back as its decimal text. Throws like JSON.parse. */
export function parseKeepingIds(text: string, isIdKey: (key: string) => boolean): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown, context?: ReviverContext) {
    return typeof value === 'number' && isIdKey(key) && context?.source !== undefined
      ? context.source
      : value;
  } as (key: string, value: unknown) => unknown);
}

/** A key that names a worker (`worker_id`, `decode_worker_id`, `prefill_worker_id`). */
export const isWorkerIdKey = (key: string): boolean => key.endsWith('worker_id');
