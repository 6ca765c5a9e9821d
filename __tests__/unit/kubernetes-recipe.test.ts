import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecipe, writeRecipe } from '../../src/targets/kubernetes/recipe.ts';

const dirs: string[] = [];
function file(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'recipe-'));
  dirs.push(dir);
  const p = path.join(dir, 'deploy.yaml');
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
    expect(() => readRecipe(file('kind: ConfigMap\n'))).toThrow(/holds no DynamoGraphDeployment/);
    const two = recipe + '---\n' + recipe.split('---\n')[1].replace('name: llm', 'name: other');
    expect(() => readRecipe(file(two))).toThrow(/holds 2 DynamoGraphDeployments/);
  });
});

describe('writeRecipe', () => {
  it('changes only the frontend env and keeps comments and layout', () => {
    const p = file(recipe);
    const edit = writeRecipe(p, 'kv', 'off');
    expect(edit.changed).toBe(true);
    const out = readFileSync(p, 'utf8');
    expect(out).toContain('# The model recipe');
    expect(out).toContain('- name: KEEP_ME # a comment to keep');
    expect(out).toContain('- name: GRAPH_WIDE # applies to every service');
    expect(out).toContain('image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:${VERSION}');
    expect(out).toMatch(
      /- name: DYN_ROUTER_MODE\n\s+value: kv\n\s+- name: DYN_ROUTER_USE_KV_EVENTS\n\s+value: "false"/,
    );
    // Exactly the added lines differ.
    const added = out.split('\n').filter((l) => !recipe.split('\n').includes(l));
    expect(added.map((l) => l.trim())).toEqual([
      '- name: DYN_ROUTER_MODE',
      'value: kv',
      '- name: DYN_ROUTER_USE_KV_EVENTS',
      'value: "false"',
    ]);
    expect(readRecipe(p).name).toBe('llm');
    expect(writeRecipe(p, 'kv', 'off').changed).toBe(false);
  });
});
