// Whether anything but the run's own requests reached the frontend while the probe ran, from the
// frontend's /metrics read before and after: its request counter for the model must have risen by
// exactly what the run sent, with nothing in flight at either end. Pure.

import { parseSamples } from '../metrics.js';

/** Whether anything but the run's own requests reached the frontend while it probed. */
export interface TrafficEvidence {
  otherTraffic: 'none' | 'seen' | 'unknown';
  /** What the frontend's /metrics showed, for the reason text. */
  detail: string;
}

export const REQUESTS_TOTAL = 'dynamo_frontend_requests_total';
export const INFLIGHT = 'dynamo_frontend_inflight_requests';

/** The counter or gauge summed over the model's series (all series when none names a model). */
export function modelTotal(text: string, name: string, model: string): number | undefined {
  const samples = parseSamples(text).filter((s) => s.name === name);
  if (samples.length === 0) return undefined;
  const labelled = samples.some((s) => s.labels.model !== undefined);
  return samples
    .filter((s) => !labelled || s.labels.model === model)
    .reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
}

/** What the counts say, once the run's `sent` requests are all counted (or the wait ran out). */
export function trafficBetween(
  before: string | undefined,
  after: string | undefined,
  model: string,
  sent: number,
): TrafficEvidence {
  if (before === undefined || after === undefined)
    return {
      otherTraffic: 'unknown',
      detail: "the frontend's /metrics could not be read, so other traffic cannot be ruled out",
    };
  const counted = [before, after].map((t) => modelTotal(t, REQUESTS_TOTAL, model));
  const inflight = [before, after].map((t) => modelTotal(t, INFLIGHT, model));
  if (counted[1] === undefined)
    return {
      otherTraffic: 'unknown',
      detail: `the frontend's /metrics has no ${REQUESTS_TOTAL}, so other traffic cannot be ruled out`,
    };
  // A frontend that has served nothing yet shows no series: its count starts at zero.
  const delta = counted[1] - (counted[0] ?? 0);
  const busy = inflight.some((n) => (n ?? 0) > 0);
  if (delta > sent || busy)
    return {
      otherTraffic: 'seen',
      detail: busy
        ? `other requests were in flight at the frontend (${INFLIGHT} ${inflight.map((n) => n ?? 0).join(' → ')})`
        : `the frontend counted ${delta} requests while the run sent ${sent}: other traffic ran`,
    };
  if (delta < sent)
    return {
      otherTraffic: 'unknown',
      detail: `the frontend counted ${delta} of the ${sent} requests the run sent: another frontend replica behind the URL may have served some`,
    };
  return {
    otherTraffic: 'none',
    detail: `the frontend counted exactly the ${sent} requests the run sent, and nothing else was in flight`,
  };
}

/** True once `after` shows all `sent` requests counted and nothing in flight: the read can stop. */
export function settled(before: string, after: string, model: string, sent: number): boolean {
  const a = modelTotal(after, REQUESTS_TOTAL, model);
  if (a === undefined) return false;
  return (
    a - (modelTotal(before, REQUESTS_TOTAL, model) ?? 0) >= sent &&
    (modelTotal(after, INFLIGHT, model) ?? 0) === 0
  );
}
