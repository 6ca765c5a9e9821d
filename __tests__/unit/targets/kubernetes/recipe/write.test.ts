// Writing the change back into the recipe keeps every byte but the changed entries.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRecipe } from '../../../../../src/targets/kubernetes/recipe/write.ts';

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

/** Writes `before`, applies the change, and returns the file's new text. */
function rewrite(before: string, mode: string | undefined, kv: 'on' | 'off' | 'leave'): string {
  const p = file(before);
  writeRecipe(p, mode, kv);
  return readFileSync(p, 'utf8');
}

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

describe('writeRecipe keeps every byte but the changed entries', () => {
  it('adds entries to the frontend list in its style (quoting too), graph env untouched', () => {
    const out = rewrite(recipe, 'kv', 'off');
    expect(out).toBe(
      recipe.replace(
        '          value: "x"\n',
        '          value: "x"\n        - name: DYN_ROUTER_MODE\n          value: "kv"\n        - name: DYN_ROUTER_USE_KV_EVENTS\n          value: "false"\n',
      ),
    );
    const p = file(out);
    expect(writeRecipe(p, 'kv', 'off').changed).toBe(false);
    expect(readFileSync(p, 'utf8')).toBe(out);
  });

  const v1beta1 = (env: string) => `# header comment

apiVersion: nvidia.com/v1beta1
kind: DynamoGraphDeployment
metadata: {name: llm,  namespace: "team-a"}
spec:
  components:
  - name: Frontend
    type: frontend
    podTemplate:
      spec:
        containers:
        - name: main
          image: 'x'   # pinned
          command: ["python3", "-m",   "dynamo.frontend"]
          args:
          -   --http-port
          -   "8000"
${env}
  - name: Worker   # untouched
    type: worker
    podTemplate: {spec: {containers: [{name: main, args: [--model-name, m]}]}}
`;

  it('changes a value in place: the comment, quoting and every other line stay', () => {
    const before = v1beta1(
      "          env:\n          - name: DYN_ROUTER_MODE   # chosen by CI\n            value: 'random'   # was random\n          - name: OTHER\n            value: y",
    );
    expect(rewrite(before, 'kv', 'leave')).toBe(before.replace("value: 'random'", "value: 'kv'"));
  });

  it('takes the quoting style from values that had a choice (quotes a value needs are no style)', () => {
    const before = v1beta1(
      '          env:\n          - name: LOG\n            value: info\n          - name: TEMP\n            value: "0.0"\n          - name: TEXT\n            value: "a: b"',
    );
    expect(rewrite(before, 'kv', 'leave')).toBe(
      before.replace(
        'value: "a: b"\n',
        'value: "a: b"\n          - name: DYN_ROUTER_MODE\n            value: kv\n',
      ),
    );
  });

  it('appends to a flow-style list in flow style', () => {
    const before = v1beta1('          env: [ {name: A, value: a} ]   # flow');
    expect(rewrite(before, 'kv', 'off')).toBe(
      before.replace(
        '{name: A, value: a}',
        '{name: A, value: a}, {name: DYN_ROUTER_MODE, value: kv}, {name: DYN_ROUTER_USE_KV_EVENTS, value: "false"}',
      ),
    );
  });

  it('appends to a list of one-line flow maps with the same dash indentation', () => {
    const before = v1beta1("          env:\n            - {name: A, value: 'a'}");
    expect(rewrite(before, 'least-loaded', 'leave')).toBe(
      before.replace(
        "            - {name: A, value: 'a'}\n",
        "            - {name: A, value: 'a'}\n            - {name: DYN_ROUTER_MODE, value: 'least-loaded'}\n",
      ),
    );
  });

  it('removes an entry by its own lines only, keeping the comment lines around it', () => {
    const before = v1beta1(
      '          env:\n          # router\n          - name: DYN_ROUTER_USE_KV_EVENTS  # approximate\n            value: "false"\n          - name: KEEP\n            value: "1"',
    );
    expect(rewrite(before, undefined, 'on')).toBe(
      before.replace(
        '          - name: DYN_ROUTER_USE_KV_EVENTS  # approximate\n            value: "false"\n',
        '',
      ),
    );
  });

  it('writes `[]` when the last entry goes (a block list cannot be empty)', () => {
    const before = v1beta1(
      '          env:\n          - name: DYN_ROUTER_USE_KV_EVENTS\n            value: "false"',
    );
    expect(rewrite(before, undefined, 'on')).toBe(
      before.replace(
        '          env:\n          - name: DYN_ROUTER_USE_KV_EVENTS\n            value: "false"\n',
        '          env: []\n',
      ),
    );
  });

  it('replaces a valueFrom entry as a whole, keeping its trailing comment', () => {
    const before = v1beta1(
      '          env:\n          - name: DYN_ROUTER_MODE\n            valueFrom:\n              configMapKeyRef: {name: router, key: mode}   # from the config map',
    );
    expect(rewrite(before, 'kv', 'leave')).toBe(
      before.replace(
        'name: DYN_ROUTER_MODE\n            valueFrom:\n              configMapKeyRef: {name: router, key: mode}',
        'name: DYN_ROUTER_MODE\n            value: kv',
      ),
    );
  });

  it('creates the list on the frontend container, at its indentation and list style, when there is none', () => {
    // This file writes block lists at their key's column (`containers:` / `- name`): so does the new one.
    const before = v1beta1('          ports: [{containerPort: 8000}]');
    expect(rewrite(before, 'kv', 'leave')).toBe(
      before.replace(
        '          ports: [{containerPort: 8000}]\n',
        '          ports: [{containerPort: 8000}]\n          env:\n          - name: DYN_ROUTER_MODE\n            value: kv\n',
      ),
    );
  });

  it('creates the podTemplate and `main` container when the frontend has none', () => {
    const before = `apiVersion: nvidia.com/v1beta1
kind: DynamoGraphDeployment
metadata:
    name: llm
spec:
    components:
        -   name: Frontend
            type: frontend   # no pod template
        -   name: W
            type: worker
`;
    expect(rewrite(before, 'random', 'leave')).toBe(
      before.replace(
        'type: frontend   # no pod template\n',
        'type: frontend   # no pod template\n            podTemplate:\n                spec:\n                    containers:\n                        - name: main\n                          env:\n                              - name: DYN_ROUTER_MODE\n                                value: random\n',
      ),
    );
  });

  it('fills a key left empty (`envs:` with a comment) on the right mapping', () => {
    const before = `apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: llm
spec:
  services:
    Frontend:
      componentType: frontend
      envs:   # router settings go here
      replicas: 2
`;
    expect(rewrite(before, 'kv', 'off')).toBe(
      before.replace(
        '      envs:   # router settings go here\n',
        '      envs:   # router settings go here\n        - name: DYN_ROUTER_MODE\n          value: kv\n        - name: DYN_ROUTER_USE_KV_EVENTS\n          value: "false"\n',
      ),
    );
  });

  it('keeps CRLF line endings, document markers and a missing final newline', () => {
    const before = [
      '%YAML 1.2',
      '---',
      'apiVersion: nvidia.com/v1alpha1',
      'kind: DynamoGraphDeployment',
      'metadata: {name: llm}',
      'spec:',
      '  services:',
      '    Frontend:',
      '      componentType: frontend',
      '      envs:',
      '      - name: DYN_ROUTER_MODE',
      '        value: round-robin',
      '...',
      '---',
      'kind: Service # last line, no newline',
    ].join('\r\n');
    const out = rewrite(before, 'kv', 'off');
    expect(out).toBe(
      before.replace(
        'value: round-robin\r\n',
        'value: kv\r\n      - name: DYN_ROUTER_USE_KV_EVENTS\r\n        value: "false"\r\n',
      ),
    );
  });

  it('replaces a block-scalar value keeping its line break, and keeps a byte-order mark', () => {
    const before =
      '\ufeffapiVersion: nvidia.com/v1alpha1\nkind: DynamoGraphDeployment\nmetadata: {name: llm}\nspec:\n  services:\n    Frontend:\n      componentType: frontend\n      envs:\n        - name: DYN_ROUTER_MODE\n          value: |\n            random\n        - name: X\n          value: >-\n            y\n';
    expect(rewrite(before, 'kv', 'leave')).toBe(
      before.replace('value: |\n            random\n', 'value: kv\n'),
    );
  });

  it('refuses to write a file whose env list is an alias, leaving it as it was', () => {
    const before = `apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: llm}
x-shared: &shared
  - {name: A, value: a}
spec:
  services:
    Frontend:
      componentType: frontend
      envs: *shared
`;
    const p = file(before);
    expect(() => writeRecipe(p, 'kv', 'leave')).toThrow(/alias/);
    expect(readFileSync(p, 'utf8')).toBe(before);
  });
});
