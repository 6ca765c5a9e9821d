// The Dynamo release of a Kubernetes frontend, from its container image tag, and the refusal
// of a mode that release lacks, before anything is written.

import {
  checkRelease,
  knownRelease,
  unknownRelease,
  versionFromImage,
  versionFromOverride,
  type DynamoRelease,
} from '../../releases/capabilities.js';
import { asString, dig, type JsonObject } from './json.js';
import { quote } from '../../runner/redact.js';
import type { FrontendLocation, WorkerSpec } from './dgd.js';
import { effectiveArgv } from './pinned-args.js';
import { modelPathIn } from '../../releases/model-path.js';

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
    const refused = checkRelease(release, { mode, nothingDone: 'written' });
    if (refused) throw Object.assign(refused, { release });
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
