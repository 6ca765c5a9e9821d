// The release data file, version parsing, and refusing what a release lacks.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../src/model/modes.js';
import {
  firstReleaseWithMode,
  NEWEST_SERIES,
  parseVersion,
  RELEASES,
  seriesOf,
} from '../../../src/releases/catalogue.js';
import {
  checkRelease,
  describeRelease,
  knownRelease,
  releaseLimitation,
  unknownRelease,
  versionFromImage,
  versionFromOverride,
  launchEnvLimitations,
} from '../../../src/releases/capabilities.js';
import { dgdRef, locateFrontend } from '../../../src/targets/kubernetes/object/dgd.js';
import { releaseFromOutput, VERSION_SCRIPT } from '../../../src/releases/ask-interpreter.js';
import { releaseOfFrontend } from '../../../src/targets/kubernetes/resolve/frontend-release.js';

describe('the release data file', () => {
  it('covers 1.0 to 1.6, oldest first, each read from a named release', () => {
    const series = RELEASES.map((r) => r.series);
    for (const wanted of ['1.0', '1.2', '1.3', '1.4', '1.5', '1.6']) expect(series).toContain(wanted);
    const order = series.map((s) => parseVersion(s) as { major: number; minor: number });
    for (let i = 1; i < order.length; i++)
      expect(order[i].major * 1000 + order[i].minor).toBeGreaterThan(
        order[i - 1].major * 1000 + order[i - 1].minor,
      );
    for (const r of RELEASES) {
      expect(r.checked.length).toBeGreaterThan(0);
      for (const v of r.checked) expect(seriesOf(v)).toBe(r);
      // Every mode is one the action knows; every series has the baseline and kv.
      for (const m of r.routerModes) expect(ROUTER_MODES as readonly string[]).toContain(m);
      expect(r.routerModes).toEqual(expect.arrayContaining(['round-robin', 'kv']));
      expect(['error', 'round-robin', 'unknown']).toContain(r.modeEnvUnknownValue);
      expect(r.kvEvents.flagOff).toMatch(/^--no-/);
      expect(r.sources?.routerModes).toBeTruthy();
    }
  });

  it('knows every mode the action offers in its newest series', () => {
    expect([...NEWEST_SERIES.routerModes].sort()).toEqual([...ROUTER_MODES].sort());
  });
});

describe('versions', () => {
  it('parses release versions and finds their series', () => {
    expect(parseVersion('1.2.0.post1')).toMatchObject({ major: 1, minor: 2, patch: 0 });
    expect(parseVersion('v1.0.2')).toMatchObject({ major: 1, minor: 0, patch: 2 });
    expect(parseVersion('latest')).toBeUndefined();
    expect(seriesOf('1.3.1')?.series).toBe('1.3');
    expect(seriesOf('0.9.1')).toBeUndefined();
  });

  it('derives the first release that has a mode from the ordered list', () => {
    expect(firstReleaseWithMode('kv')?.series).toBe('1.0');
    expect(firstReleaseWithMode('power-of-two')?.series).toBe('1.1');
    expect(firstReleaseWithMode('no-such-mode')).toBeUndefined();
  });

  it('reads the release from Dynamo image tags only', () => {
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.2')).toBe('1.0.2');
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/dynamo-frontend:1.3.0')).toBe('1.3.0');
    expect(versionFromImage('mirror.example.com/ai-dynamo/sglang-runtime:1.6.1@sha256:abcd')).toBe('1.6.1');
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:latest')).toBeUndefined();
    expect(versionFromImage('ghcr.io/me/my-dynamo:1.3.1')).toBeUndefined();
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.6.1')).toBe('1.6.1');
  });

  it('reads the build variants NGC publishes (-cuda13, -efa-amd64), with or without a digest', () => {
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.2-cuda13')).toBe('1.0.2');
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/sglang-runtime:1.1.0-cuda13')).toBe('1.1.0');
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.0.1-efa-amd64')).toBe('1.0.1');
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:v1.2.0.post1-cuda13@sha256:ab12')).toBe(
      '1.2.0.post1',
    );
    expect(versionFromImage('nvcr.io/nvidia/ai-dynamo/vllm-runtime:cuda13')).toBeUndefined();
    expect(versionFromOverride('1.4.2')).toBe('1.4.2');
    expect(versionFromOverride('v1.0.0')).toBe('1.0.0');
    expect(versionFromOverride('qwen38-flash-next')).toBeUndefined();
  });

  it('prefers the frontend component\u2019s runtimeVersionOverride, in both API versions', () => {
    const alpha = {
      spec: {
        services: {
          Frontend: {
            componentType: 'frontend',
            runtimeVersionOverride: '1.3.1',
            extraPodSpec: { mainContainer: { image: 'registry.example/custom:flash' } },
          },
        },
      },
    };
    const alphaLoc = locateFrontend(alpha, dgdRef('ns', 'g', 'v1alpha1'));
    expect(releaseOfFrontend(alpha, alphaLoc)).toMatchObject({
      version: '1.3.1',
      source: 'runtimeVersionOverride',
    });
    const beta = {
      spec: {
        components: [
          { name: 'worker', type: 'worker', runtimeVersionOverride: '9.9.9' },
          {
            name: 'Frontend',
            type: 'frontend',
            runtimeVersionOverride: 'v1.5.0',
            podTemplate: {
              spec: { containers: [{ name: 'main', image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.1' }] },
            },
          },
        ],
      },
    };
    const betaLoc = locateFrontend(beta, dgdRef('ns', 'g', 'v1beta1'));
    expect(releaseOfFrontend(beta, betaLoc)).toMatchObject({
      version: '1.5.0',
      source: 'runtimeVersionOverride',
    });
    expect(describeRelease(releaseOfFrontend(beta, betaLoc))).toBe('1.5.0 (runtimeVersionOverride)');
    // A custom tag without an override: says what to set, not "is not a Dynamo release tag".
    delete (alpha.spec.services.Frontend as { runtimeVersionOverride?: string }).runtimeVersionOverride;
    const unknown = releaseOfFrontend(alpha, alphaLoc).unknownBecause ?? '';
    expect(unknown).not.toMatch(/is not a Dynamo release tag/);
    expect(unknown).toMatch(/set runtimeVersionOverride: X\.Y\.Z on the frontend component/);
  });

  it('names how the release was known in the output', () => {
    expect(describeRelease(knownRelease('1.3.1', 'launch interpreter'))).toBe('1.3.1 (launch interpreter)');
    expect(describeRelease(unknownRelease('no image'))).toBe('unknown');
    expect(describeRelease(undefined)).toBe('unknown');
  });

  it('reads the interpreter’s answer (the parent bounds the question, not the script)', () => {
    expect(VERSION_SCRIPT).not.toContain('signal');
    expect(releaseFromOutput(0, '1.0.2\n', '', 'python3')).toMatchObject({
      version: '1.0.2',
      source: 'launch interpreter',
    });
    expect(
      releaseFromOutput(1, '', 'importlib.metadata.PackageNotFoundError: ai-dynamo', 'py').unknownBecause,
    ).toMatch(/has no ai-dynamo/);
    expect(releaseFromOutput(142, '', '', 'py').version).toBeUndefined();
  });
});

describe('refusing what the release lacks', () => {
  const old = knownRelease('1.0.2', 'launch interpreter');

  it('refuses a mode the release lacks, naming its modes and the first release with it', () => {
    const refused = checkRelease(old, { mode: 'power-of-two', nothingDone: 'launched' });
    expect(refused?.code).toBe('unsupported-mode');
    expect(refused?.message).toContain('Dynamo 1.0.2 (from the launch interpreter)');
    expect(refused?.message).toContain('round-robin, random, kv, direct');
    expect(refused?.message).toContain('first appears in 1.1.0');
    expect(refused?.hint).toMatch(/upgrade Dynamo to 1\.1\.0/);
    expect(checkRelease(old, { mode: 'kv', nothingDone: 'launched' })).toBeUndefined();
    expect(
      checkRelease(knownRelease('1.3.1', 'frontend image tag'), {
        mode: 'power-of-two',
        nothingDone: 'written',
      }),
    ).toBeUndefined();
  });

  it('words the unsupported-mode refusal per release and per way the mode is given', () => {
    const viaEnv = checkRelease(knownRelease('1.0.2', 'frontend image tag'), {
      mode: 'least-loaded',
      nothingDone: 'written',
      modeVia: 'env',
    });
    expect(viaEnv?.message).toMatch(/a 1\.0\.x frontend silently routes round-robin instead/);
    expect(viaEnv?.message).not.toMatch(/exits at start/);
    const viaFlag = checkRelease(knownRelease('1.0.2', 'launch interpreter'), {
      mode: 'least-loaded',
      nothingDone: 'launched',
    });
    expect(viaFlag?.message).toMatch(
      /`--router-mode` with a mode its release lacks, the frontend exits at start/,
    );
  });

  it('warns a 1.2-1.5 launch whose runner sets DYN_TCP_RESPONSE_STREAM_HOST to an IP (an interface name is read)', () => {
    const notes = launchEnvLimitations(knownRelease('1.3.1', 'launch interpreter'), {
      DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
    });
    expect(notes).toHaveLength(1);
    expect(notes[0].id).toBe('launch-env');
    expect(notes[0].text).toMatch(/Set DYN_TCP_RESPONSE_STREAM_HOST=lo/);
    expect(notes[0].text).toMatch(/HF_HUB_OFFLINE=1/);
    expect(
      launchEnvLimitations(knownRelease('1.3.1', 'launch interpreter'), {
        DYN_TCP_RESPONSE_STREAM_HOST: 'lo',
      }),
    ).toEqual([]);
    expect(
      launchEnvLimitations(knownRelease('1.6.1', 'launch interpreter'), {
        DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
      }),
    ).toEqual([]);
    expect(
      launchEnvLimitations(knownRelease('1.0.2', 'launch interpreter'), {
        DYN_TCP_RESPONSE_STREAM_HOST: '::1',
      }),
    ).toEqual([]);
    expect(
      launchEnvLimitations(knownRelease('1.5.0', 'launch interpreter'), {
        DYN_TCP_RESPONSE_STREAM_HOST: '::1',
      }),
    ).toHaveLength(1);
  });

  it('refuses flags and env the release lacks', () => {
    const flag = checkRelease(old, { mode: 'kv', flags: ['--load-aware'], nothingDone: 'launched' });
    expect(flag?.code).toBe('unsupported-mode');
    expect(flag?.message).toMatch(/--load-aware.*first appears in 1\.2/);
    const env = checkRelease(knownRelease('1.2.1', 'launch interpreter'), {
      env: ['DYN_ROUTER_POLICY_CONFIG'],
      nothingDone: 'launched',
    });
    expect(env?.message).toMatch(/DYN_ROUTER_POLICY_CONFIG.*1\.3/);
  });

  it('goes ahead on an unknown release, with a limitation', () => {
    const unknown = unknownRelease('the frontend image is custom');
    expect(checkRelease(unknown, { mode: 'power-of-two', nothingDone: 'written' })).toBeUndefined();
    expect(releaseLimitation(unknown)?.text).toMatch(/release is unknown \(the frontend image is custom\)/);
    const future = knownRelease('2.0.0', 'frontend image tag');
    expect(checkRelease(future, { mode: 'kv', nothingDone: 'written' })).toBeUndefined();
    expect(releaseLimitation(future)?.text).toMatch(/2\.0\.0 is not in the action's release table/);
    expect(releaseLimitation(old)).toBeUndefined();
  });
});
