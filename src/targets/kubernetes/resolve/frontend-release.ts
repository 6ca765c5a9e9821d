// The Dynamo release of a Kubernetes frontend, from its container image tag, and the refusal
// of a mode that release lacks, before anything is written.

import {
  checkRelease,
  knownRelease,
  unknownRelease,
  versionFromImage,
  versionFromOverride,
  type DynamoRelease,
} from '../../../releases/capabilities.js';
import { asString, dig, type JsonObject } from '../object/json.js';
import { quote } from '../../../runner/redact.js';
import type { FrontendLocation } from '../object/dgd.js';
import type { WorkerSpec } from '../object/worker-spec.js';
import { effectiveArgv } from '../../../pins/frontend-flags.js';
import { modelPathIn } from '../../../releases/model-path.js';
import { TargetFailure } from '../../target-failure.js';

/** The image sits beside the command and args of the frontend's container. */
export function frontendImage(object: JsonObject, loc: FrontendLocation): string | undefined {
  return asString(dig(object, ...loc.argsPath.slice(0, -1), 'image'));
}

/**
 * The frontend's release: the component's `runtimeVersionOverride` first (the operator's own
 * answer, which its admission requires where the image tag carries no version), else the tag.
 */
export function releaseOfFrontend(object: JsonObject, loc: FrontendLocation): DynamoRelease {
  // A DGD component sits at spec.services.<name> (v1alpha1) or spec.components[i] (v1beta1).
  const override =
    loc.ref.kind === 'dgd'
      ? asString(dig(object, ...loc.argsPath.slice(0, 3), 'runtimeVersionOverride'))
      : undefined;
  const fromOverride = versionFromOverride(override);
  if (fromOverride) return knownRelease(fromOverride, 'runtimeVersionOverride');
  const image = frontendImage(object, loc);
  if (!image)
    return unknownRelease(
      `the frontend's spec names no image (the operator's default image is used)${loc.ref.kind === 'dgd' ? ' and no runtimeVersionOverride' : ''}`,
    );
  const version = versionFromImage(image);
  if (version) return knownRelease(version, 'frontend image tag');
  return unknownRelease(
    `the frontend image ${quote(image, 200)} carries no release version in its tag (…/ai-dynamo/<backend>-runtime:X.Y.Z, optionally with a suffix such as -cuda13)${
      loc.ref.kind === 'dgd'
        ? override
          ? ` and its runtimeVersionOverride "${quote(override, 60)}" is not X.Y.Z`
          : '; set runtimeVersionOverride: X.Y.Z on the frontend component to name its release'
        : ''
    }`,
  );
}

/**
 * Throws `unsupported-mode` (carrying the release, for the `dynamo-version` output) when the
 * frontend's release lacks a mode the run would write; `modes` are the requested mode and any
 * compare-modes.
 */
export function refuseUnsupported(release: DynamoRelease, modes: readonly (string | undefined)[]): void {
  for (const mode of modes) {
    if (!mode) continue;
    const refused = checkRelease(release, { mode, nothingDone: 'written', modeVia: 'env' });
    if (refused) throw TargetFailure.of(refused, { release });
  }
}

/**
 * The workers' model path or hub id (`--model-path X`, `--model X`), for aiperf's tokenizer in
 * the next command; undefined when no worker names one or they disagree.
 */
export function workersModelPath(workers: readonly WorkerSpec[]): string | undefined {
  const found = new Set<string>();
  for (const worker of workers) {
    const path = modelPathIn(effectiveArgv(worker.command, worker.args));
    if (path) found.add(path);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** `org/name`: what the Hugging Face hub (and aiperf's --tokenizer) takes as a model id. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * aiperf's `--tokenizer` for the next command. A worker's absolute `--model-path` is a path
 * inside its container, which aiperf on the reader's machine cannot open: then the model name
 * when it is a hub id (the input `model`, else the workers' `--served-model-name`), else a
 * placeholder asking for a local copy.
 */
export function workersTokenizer(workers: readonly WorkerSpec[], model?: string): string | undefined {
  const path = workersModelPath(workers);
  if (!path || !path.startsWith('/')) return path;
  const served = workers
    .map((w) => effectiveArgv(w.command, w.args))
    .map((argv) => {
      const at = argv.findIndex((a) => a.split('=')[0] === '--served-model-name');
      if (at < 0) return undefined;
      return argv[at].includes('=') ? argv[at].slice(argv[at].indexOf('=') + 1) : argv[at + 1];
    })
    .find((name) => name !== undefined && HUB_ID.test(name));
  const hub = model && HUB_ID.test(model) ? model : served;
  return hub ?? `<local copy of ${path} (a path inside the worker container)>`;
}
