// Reading the recipe: one DynamoGraphDeployment, valid YAML, bounded.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RunFailure } from '../../../../../src/model/failure.ts';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecipe } from '../../../../../src/targets/kubernetes/recipe/read.ts';

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

describe('readRecipe', () => {
  it('finds the one DGD, its name, namespace and version', () => {
    expect(readRecipe(file(recipe))).toMatchObject({
      name: 'llm',
      namespace: 'team-a',
      version: 'v1alpha1',
      docIndex: 1,
    });
  });

  it('rejects a missing file, broken YAML, none or two DGDs as bad input', () => {
    expect(() => readRecipe('/nonexistent/deploy.yaml')).toThrow(/no such file/);
    expect(() => readRecipe(file('a: [1,'))).toThrow(/not valid YAML/);
    // Broken YAML names the line at fault, and shows it.
    const broken =
      'apiVersion: nvidia.com/v1alpha1\nkind: DynamoGraphDeployment\nmetadata:\n  name: x\n spec: [a\n';
    const failure = (() => {
      try {
        readRecipe(file(broken));
      } catch (error) {
        return error as RunFailure;
      }
      throw new Error('expected a failure');
    })();
    expect(failure.code).toBe('bad-input');
    expect(failure.message).toMatch(/is not valid YAML: .*at line 5, column 1 \(the line: spec: \[a\)$/);
    expect(failure.hint).toMatch(/^fix the YAML of `recipe` \(.*\) at line 5, column 1, then run again$/);
    expect(() => readRecipe(file('kind: ConfigMap\n'))).toThrow(/holds no DynamoGraphDeployment/);
    const two = recipe + '---\n' + recipe.split('---\n')[1].replace('name: llm', 'name: other');
    expect(() => readRecipe(file(two))).toThrow(/holds 2 DynamoGraphDeployments/);
  });
});
