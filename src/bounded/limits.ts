// Every deadline and byte cap the action enforces from outside, in one place: the code reads the
// numbers from here, and the README's "Security: what the action promises" table is generated
// from `BOUNDS` (scripts/readme-tables.ts; a unit test keeps them equal). Imports nothing.

const KiB = 1024;
const MiB = 1024 * KiB;

/** SIGTERM, then this long, then SIGKILL, to a child's whole process group. */
export const CHILD_KILL_GRACE_MS = 2000;
/** The ai-dynamo version probe: a deadline (never beyond `launch-timeout`) and output caps. */
export const VERSION_PROBE_TIMEOUT_MS = 10_000;
export const VERSION_PROBE_OUTPUT_BYTES = 4 * KiB;
/** An exec credential plugin or a legacy auth-provider `cmd-path`: deadline and output caps. */
export const CREDENTIAL_PLUGIN_TIMEOUT_MS = 15_000;
export const CREDENTIAL_PLUGIN_OUTPUT_BYTES = 256 * KiB;

/** Every Kubernetes API call: one deadline over connect, headers and body. */
export const API_TIMEOUT_MS = 15_000;
/** The most of one Kubernetes API response read (a list, a get, discovery). */
export const API_RESPONSE_MAX_BYTES = 32 * MiB;
/** The most of one pod's log read per window; the request asks the kubelet for no more, too. */
export const POD_LOG_MAX_BYTES = 8 * MiB;
/** One watch event (one line): a pod object is at most 1.5 MiB in etcd. */
export const WATCH_EVENT_MAX_BYTES = 4 * MiB;
/** One watch connection; beyond it the watch is ended and the pods listed again. */
export const WATCH_MAX_BYTES = 16 * MiB;
/** A watch that sends nothing (not even a bookmark) this long is ended and listed again. */
export const WATCH_IDLE_MS = 30_000;
/** The WebSocket upgrade of one port-forward connection. */
export const WS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Kubeconfig files, and the certificate, key and token files they name. */
export const KUBECONFIG_MAX_BYTES = 4 * MiB;
export const CREDENTIAL_FILE_MAX_BYTES = 1 * MiB;
/** The recipe file: its size and how many YAML documents it may hold. */
export const RECIPE_MAX_BYTES = 4 * MiB;
export const RECIPE_MAX_DOCUMENTS = 1000;

/** The launched frontend's log: what a failure report shows, and what evidence reads at once. */
export const LOG_TAIL_BYTES = 1 * KiB;
export const LOG_EVIDENCE_MAX_BYTES = 8 * MiB;
/** Pod names a failure message lists before "and N more". */
export const NAMES_LISTED = 10;

/** Once the Contract is published, how long anything left open may keep the process alive. */
export const EXIT_GRACE_MS = 2000;

function size(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
const secs = (ms: number): string => `${ms / 1000} s`;

export interface Bound {
  /** What is bounded. */
  what: string;
  /** The number. */
  limit: string;
  /** What happens when it is reached. */
  then: string;
}

/** The README's table, row by row. */
export const BOUNDS: readonly Bound[] = [
  {
    what: 'a child process: the ai-dynamo version probe',
    limit: `${secs(VERSION_PROBE_TIMEOUT_MS)} (at most \`launch-timeout\`); ${size(VERSION_PROBE_OUTPUT_BYTES)} of stdout and of stderr`,
    then: `its process group gets SIGTERM, then SIGKILL after ${secs(CHILD_KILL_GRACE_MS)}; the release is reported unknown`,
  },
  {
    what: 'a child process: an exec credential plugin or an auth-provider `cmd-path`',
    limit: `${secs(CREDENTIAL_PLUGIN_TIMEOUT_MS)}; ${size(CREDENTIAL_PLUGIN_OUTPUT_BYTES)} of stdout and of stderr; no stdin`,
    then: `the group is killed as above; \`cluster-unauthorized\``,
  },
  {
    what: "a child's environment",
    limit:
      'the runner environment without `INPUT_*`, `STATE_*`, the runner tokens (`ACTIONS_RUNTIME_TOKEN`, `ACTIONS_ID_TOKEN_REQUEST_*`, `ACTIONS_CACHE_URL`, `ACTIONS_RESULTS_URL`), `GITHUB_TOKEN`, `DYNAMO_API_KEY` and the runner file commands (`GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`)',
    then: 'no child sees the key, a runner token, or a file the runner acts on',
  },
  {
    what: 'a Kubernetes API call',
    limit: `${secs(API_TIMEOUT_MS)}; ${size(API_RESPONSE_MAX_BYTES)} per response`,
    then: '`cluster-unreachable` (time), `cluster-response-too-large` (size)',
  },
  {
    what: 'a pod log read (evidence)',
    limit: `${size(POD_LOG_MAX_BYTES)} per pod and window`,
    then: 'the rest is not read; the evidence says the log was cut',
  },
  {
    what: 'the pod watch of a rollout',
    limit: `${size(WATCH_EVENT_MAX_BYTES)} per event (a line); ${size(WATCH_MAX_BYTES)} and ${secs(WATCH_IDLE_MS)} of silence per watch`,
    then: 'an event over the cap fails the run (`cluster-response-too-large`, with `rollback-on-failure` the env is restored); a watch over its bytes or silent is ended and the pods listed again',
  },
  {
    what: 'the WebSocket upgrade of a port-forward connection',
    limit: secs(WS_HANDSHAKE_TIMEOUT_MS),
    then: 'the connection fails (`port-forward-failed` when the first one does); every socket is closed with the forward',
  },
  {
    what: 'kubeconfig files and the files they name (certificate authority, client certificate and key, token file)',
    limit: `regular files only (a FIFO or device is refused); ${size(KUBECONFIG_MAX_BYTES)} per kubeconfig, ${size(CREDENTIAL_FILE_MAX_BYTES)} per named file`,
    then: '`cluster-unreachable` naming the file',
  },
  {
    what: 'the `recipe` file',
    limit: `a regular file of at most ${size(RECIPE_MAX_BYTES)} and ${RECIPE_MAX_DOCUMENTS} YAML documents; YAML aliases as the \`yaml\` package allows (100)`,
    then: '`bad-input` before anything is contacted',
  },
  {
    what: "the launched frontend's log",
    limit: `a file only this run can open (a private directory, created exclusively, never through a symlink); ${size(LOG_TAIL_BYTES)} of its end in a failure report, ${size(LOG_EVIDENCE_MAX_BYTES)} per evidence read`,
    then: 'the rest is not read',
  },
  {
    what: 'pod names in a failure message',
    limit: `${NAMES_LISTED}`,
    then: '"and N more"',
  },
  {
    what: 'the process after the Contract is published',
    limit: secs(EXIT_GRACE_MS),
    then: 'whatever is still open (a socket, a timer) is abandoned and the process exits with its code',
  },
  {
    what: 'an error nothing caught (a library bug, a stray rejection)',
    limit: 'once',
    then: 'the run fails `internal`, still publishes its Contract, runs `rollback-on-failure` when it had written, and says what state the object is in',
  },
];
