// `expect-mode` and `require-verified`: what the evidence of the mode means for a run that
// asserts a mode without applying it, and where that mode is set. Pure: the run hands in what
// the target and the verification found; build-contract.ts puts the result into the Contract.
//
// How `mode` and `expect-mode` combine (settings.ts refuses the rest as bad input): with both,
// they name the same mode; `mode` applies it, and a contradiction is the run's own change not
// taking (`mode-not-applied`). Where the run applies nothing (a URL, a Kubernetes check or dry
// run, a plan from the file alone) the evidence is held against `expect-mode`, else against the
// history's recent mode, and a contradiction is `mode-drift`.

import { limitation, type Limitation } from '../model/findings.js';
import type { RouterMode } from '../model/modes.js';
import type { TargetKind } from '../model/contract.js';
import type { EnvPatch } from '../model/contract.js';
import type { VerifyOutcome } from '../verify/verify-step.js';

export interface DriftFailure {
  code: 'mode-drift';
  message: string;
}

/** Workers of 1.5 and later can set the mode for their worker set: where else a mode is set. */
const WORKERS_SET_MODES =
  'On Dynamo 1.5 and later a worker started with `--router-mode` or `DYN_ROUTER_MODE` (a graph-level env reaches the workers too) overrides the frontend for its worker set; its log says "Advertising router mode \'<mode>\' in the model card".';

/**
 * Where a frontend's mode is set, as the target knew it: the spec it read or the change it made
 * (Kubernetes, `modeSetAt`), the launched command line, or for a URL the frontend's own flags.
 */
export function modeSource(target: TargetKind, modeSetAt: string | undefined, command: string): string {
  if (target === 'kubernetes' && modeSetAt) return modeSetAt;
  if (target === 'launch' && command) return `the launched frontend's command line, \`${command}\``;
  return "not visible from a URL: the frontend's `--router-mode` flag, else its `DYN_ROUTER_MODE` env (else Dynamo's default, round-robin)";
}

/** Where a frontend's mode is set, for a message that must say what to change. */
export function whereModeIsSet(target: TargetKind, modeSetAt: string | undefined, command: string): string {
  return `${modeSource(target, modeSetAt, command)}. ${WORKERS_SET_MODES}`;
}

export interface ExpectationInput {
  expectMode?: RouterMode;
  target: TargetKind;
  /** The mode the target read from the spec or file (Kubernetes), and where it is set. */
  sessionMode?: string;
  modeSetAt?: string;
  command: string;
  /** The verification; absent when none ran (a plan from the file alone). */
  outcome?: VerifyOutcome;
  /** The history's reference run, when the evidence was held against it. */
  reference?: { mode: string; run: string | null };
  planOnly: boolean;
  requestedMode?: RouterMode;
  envPatch?: EnvPatch;
  /** `write-recipe` wrote the change into the file this run planned from. */
  recipeWritten: boolean;
}

export interface ExpectationResult {
  failure?: DriftFailure;
  limitations: Limitation[];
}

/** A plan from the file alone: the file's mode against `expect-mode`. */
function planned(input: ExpectationInput, expect: RouterMode, where: string): ExpectationResult {
  if (input.requestedMode) {
    // `mode` equals `expect-mode` here; the file has it when the plan changes nothing, or once written.
    const p = input.envPatch;
    if (p?.changed && !input.recipeWritten)
      return {
        failure: {
          code: 'mode-drift',
          message: `\`expect-mode: ${expect}\`, but the file does not set ${expect} on the frontend yet: the plan would write ${p.set.map((e) => `${e.name}=${e.value ?? ''}`).join(' ')} at ${p.path} of ${p.object}.`,
        },
        limitations: [],
      };
    return { limitations: [] };
  }
  if (input.sessionMode !== expect)
    return {
      failure: {
        code: 'mode-drift',
        message: `\`expect-mode: ${expect}\`, but the file routes ${input.sessionMode || 'an unknown mode'}. Where the mode is set: ${where}`,
      },
      limitations: [],
    };
  return { limitations: [] };
}

export function judgeExpectation(input: ExpectationInput): ExpectationResult {
  const where = whereModeIsSet(input.target, input.modeSetAt, input.command);
  const expect = input.expectMode;
  if (input.planOnly) return expect ? planned(input, expect, where) : { limitations: [] };
  const outcome = input.outcome;
  if (!outcome) return { limitations: [] };
  const from = outcome.expectedFrom;
  if (from !== 'expect-mode' && from !== 'history') return { limitations: [] };
  const who =
    from === 'expect-mode'
      ? `\`expect-mode: ${outcome.expected}\``
      : `The earlier runs in the history saw ${outcome.expected} (last: ${input.reference?.run ?? 'a run outside a workflow'})`;
  const spec =
    input.target === 'kubernetes' && input.sessionMode && input.sessionMode !== outcome.expected
      ? input.sessionMode
      : undefined;
  if (outcome.verdict === 'contradicted') {
    const found = outcome.observed || spec || `another mode than ${outcome.expected}`;
    return {
      failure: {
        code: 'mode-drift',
        message: `${who}, but the frontend routes ${found}: ${outcome.evidence} Where the mode is set: ${where}`,
      },
      limitations: [],
    };
  }
  if (outcome.verdict === 'unverifiable' && spec)
    return {
      failure: {
        code: 'mode-drift',
        message: `${who}, but the deployment sets ${spec}, and the evidence does not show otherwise (${outcome.evidence}). Where the mode is set: ${where}`,
      },
      limitations: [],
    };
  if (outcome.verdict === 'verified' && spec)
    return {
      limitations: [
        limitation(
          'spec-disagrees',
          `The frontend routes ${outcome.expected} as expected, although ${modeSource(input.target, input.modeSetAt, input.command)} says ${spec}: something else sets the mode (the workers' own router settings?). Check before relying on the spec.`,
        ),
      ],
    };
  return { limitations: [] };
}

/** `require-verified: true`: a run whose mode was not proven fails. */
export function unverifiedFailure(c: {
  result: 'pass' | 'fail';
  mode: string;
  modeVerified: string;
  modeEvidence: string;
}): { code: 'mode-unverified'; message: string } | undefined {
  if (c.result !== 'pass' || c.modeVerified === 'verified') return undefined;
  const what = c.mode ? `the ${c.mode} mode` : 'the mode';
  return {
    code: 'mode-unverified',
    message: `\`require-verified: true\`, and ${what} is ${c.modeVerified || 'not checked'}: ${c.modeEvidence || 'no evidence was gathered'}`,
  };
}
