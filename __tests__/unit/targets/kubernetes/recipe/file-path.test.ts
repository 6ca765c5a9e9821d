// Recipe paths stay in the workspace, never through a symlink; a recipe that cannot be written is
// bad input naming the file.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecipe } from '../../../../../src/targets/kubernetes/recipe/read.ts';
import { writeRecipe } from '../../../../../src/targets/kubernetes/recipe/write.ts';
import { writeRecipeFile } from '../../../../../src/targets/kubernetes/recipe/file-path.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'recipe-')));
  dirs.push(dir);
  return dir;
}
function file(text: string, dir = tempDir(), name = 'deploy.yaml'): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const recipe = `# The model recipe
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
---
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: llm # the graph
  namespace: team-a
spec:
  envs:
    - name: GRAPH_WIDE # applies to every service
      value: "1"
  services:
    Frontend:
      componentType: frontend
      replicas: 1
      envs:
        - name: KEEP_ME # a comment to keep
          value: "x"
      extraPodSpec:
        mainContainer:
          image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:\${VERSION}
    VllmWorker:
      componentType: worker
`;

describe('recipe paths stay in the workspace', () => {
  function layout() {
    const root = tempDir();
    const workspace = path.join(root, 'ws');
    const outside = path.join(root, 'outside');
    mkdirSync(path.join(workspace, 'deploy'), { recursive: true });
    mkdirSync(outside);
    const real = file(recipe, path.join(workspace, 'deploy'));
    const foreign = file(recipe, outside, 'secret.yaml');
    return { root, workspace, outside, real, foreign };
  }

  it('refuses a symlink or `../` path leading out of the workspace, naming both paths', () => {
    const { workspace, foreign } = layout();
    symlinkSync(foreign, path.join(workspace, 'link.yaml'));
    for (const write of [false, true]) {
      for (const input of [
        path.join(workspace, 'link.yaml'),
        path.join(workspace, '..', 'outside', 'secret.yaml'),
      ]) {
        let error: unknown;
        try {
          readRecipe(input, { workspace, write });
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({ code: 'bad-input' });
        expect((error as Error).message).toContain(
          `resolves to ${foreign}, outside the workspace ${workspace}`,
        );
        expect((error as Error).message).toContain('`recipe`');
      }
    }
    // A symlinked directory inside the workspace that leads out is refused the same way.
    symlinkSync(path.dirname(foreign), path.join(workspace, 'linkdir'));
    expect(() =>
      readRecipe(path.join(workspace, 'linkdir', 'secret.yaml'), { workspace, write: false }),
    ).toThrow(/outside the workspace/);
    expect(readFileSync(foreign, 'utf8')).toBe(recipe);
  });

  it('accepts a directory whose name starts with dots (`..x`) inside the workspace', () => {
    const { workspace } = layout();
    mkdirSync(path.join(workspace, '..x'));
    const file = path.join(workspace, '..x', 'deploy.yaml');
    writeFileSync(file, recipe);
    for (const write of [false, true]) expect(readRecipe(file, { workspace, write }).name).toBeTruthy();
  });

  it('reads through a symlink inside the workspace, but never writes through one', () => {
    const { workspace, real } = layout();
    const link = path.join(workspace, 'deploy.yaml');
    symlinkSync(real, link);
    expect(readRecipe(link, { workspace, write: false }).file.real).toBe(real);
    expect(() => readRecipe(link, { workspace, write: true })).toThrow(
      `${link} is a symlink (the file is really ${real}); \`write-recipe\` never writes through a symlink`,
    );
    symlinkSync(path.join(workspace, 'deploy'), path.join(workspace, 'alias'));
    expect(() =>
      readRecipe(path.join(workspace, 'alias', 'deploy.yaml'), { workspace, write: true }),
    ).toThrow(/alias is a symlink/);
    // Without a workspace (the CLI on a laptop) the file itself still must not be a link.
    expect(() => writeRecipe(link, 'kv', 'off')).toThrow(/never writes through a symlink/);
    expect(readFileSync(real, 'utf8')).toBe(recipe);
  });

  it('accepts `../` that stays inside the workspace and writes atomically, keeping the mode', () => {
    const { workspace, real } = layout();
    chmodSync(real, 0o640);
    const input = path.join(workspace, 'deploy', '..', 'deploy', 'deploy.yaml');
    const target = readRecipe(input, { workspace, write: true });
    const inode = statSync(real).ino;
    expect(writeRecipe(target, 'kv', 'off').changed).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(statSync(real).ino).not.toBe(inode); // a new file renamed into place
    expect(readdirSync(path.dirname(real))).toEqual(['deploy.yaml']); // no temporary left
    expect(readFileSync(real, 'utf8')).toContain('DYN_ROUTER_MODE');
  });
});

describe('a recipe that cannot be written', () => {
  it('is bad-input naming the file and the error, not a cluster failure', () => {
    const real = path.join(tempDir(), 'gone', 'deploy.yaml');
    expect(() => writeRecipeFile({ input: 'deploy/deploy.yaml', real }, 'kind: x\n')).toThrow(
      expect.objectContaining({
        code: 'bad-input',
        message: `Input \`recipe\` (deploy/deploy.yaml): ${real} could not be written (ENOENT); nothing was written to it`,
      }),
    );
  });
});
