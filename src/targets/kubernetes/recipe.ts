// The recipe (a deploy.yaml, often several documents): which DGD it deploys, and, for GitOps,
// the same env change written back into the file with its comments and layout kept.

import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { CheckFailure } from '../../failures.js';
import type { EnvEntry } from '../../report/contract.js';
import { DGD_GROUP, dgdRef, envAt, locateDgdFrontend, type DgdVersion, type Path } from './dgd.js';
import { computeEnvChange, type EnvLists, type KvEventsWant } from './env-change.js';
import { asString, dig, isObject, type JsonObject } from './json.js';

export interface RecipeTarget {
  path: string;
  name: string;
  namespace?: string;
  version: DgdVersion;
  /** Index of the DGD among the file's documents. */
  docIndex: number;
  object: JsonObject;
}

function recipeFailure(path: string, problem: string): CheckFailure {
  return new CheckFailure(
    'bad-input',
    `Input \`recipe\` (${path}): ${problem}`,
    'point `recipe` at a deploy.yaml holding exactly one DynamoGraphDeployment',
  );
}

function loadDocuments(path: string): Document.Parsed[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw recipeFailure(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`);
  }
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw recipeFailure(path, 'is empty');
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw recipeFailure(path, `is not valid YAML (${broken.errors[0].message.split('\n')[0]})`);
  return docs;
}

export function readRecipe(path: string): RecipeTarget {
  const docs = loadDocuments(path);
  const found: RecipeTarget[] = [];
  docs.forEach((doc, docIndex) => {
    const object = doc.toJS() as unknown;
    if (!isObject(object) || object.kind !== 'DynamoGraphDeployment') return;
    const [group, version] = (asString(object.apiVersion) ?? '').split('/');
    if (group !== DGD_GROUP || (version !== 'v1alpha1' && version !== 'v1beta1')) {
      throw recipeFailure(
        path,
        `has a DynamoGraphDeployment with apiVersion ${String(object.apiVersion)}; supported: nvidia.com/v1alpha1, nvidia.com/v1beta1`,
      );
    }
    const name = asString(dig(object, 'metadata', 'name'));
    if (!name) throw recipeFailure(path, 'has a DynamoGraphDeployment without metadata.name');
    found.push({
      path,
      name,
      namespace: asString(dig(object, 'metadata', 'namespace')),
      version,
      docIndex,
      object,
    });
  });
  if (found.length !== 1) {
    throw recipeFailure(
      path,
      found.length === 0
        ? 'holds no DynamoGraphDeployment'
        : `holds ${found.length} DynamoGraphDeployments (${found.map((f) => f.name).join(', ')}); use one file per deployment or set \`deployment\``,
    );
  }
  return found[0];
}

function yamlPath(path: Path): (string | number)[] {
  return path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Replaces the env list at `path`, keeping the nodes (and comments) of entries that did not change. */
function writeEnvList(doc: Document.Parsed, path: Path, next: EnvEntry[]): void {
  const node = doc.getIn(yamlPath(path), true);
  if (!isSeq(node)) {
    doc.setIn(yamlPath(path), doc.createNode(next));
    return;
  }
  const old = node.items.map((item) => ({ item, json: JSON.stringify(isMap(item) ? item.toJSON() : item) }));
  node.items = next.map((entry) => {
    const json = JSON.stringify(entry);
    const index = old.findIndex((o) => o.json === json);
    if (index >= 0) return old.splice(index, 1)[0].item;
    return doc.createNode(entry);
  });
}

export interface RecipeEdit {
  changed: boolean;
  set: EnvEntry[];
  remove: string[];
}

/** Applies the router env change to the recipe's frontend entry (never the graph-level env). */
export function writeRecipe(
  path: string,
  mode: string | undefined,
  kvEvents: KvEventsWant,
  service?: string,
): RecipeEdit {
  const target = readRecipe(path);
  const docs = loadDocuments(path);
  const doc = docs[target.docIndex];
  const loc = locateDgdFrontend(
    target.object,
    dgdRef(target.namespace ?? 'default', target.name, target.version),
    service,
  );
  const lists: EnvLists = { container: envAt(target.object, loc.containerEnvPath) };
  if (loc.componentEnvPath) lists.component = envAt(target.object, loc.componentEnvPath);
  const change = computeEnvChange(lists, mode, kvEvents);
  if (!change.changed) return { changed: false, set: change.set, remove: change.remove };
  if (
    loc.componentEnvPath &&
    change.lists.component &&
    JSON.stringify(change.lists.component) !== JSON.stringify(lists.component)
  ) {
    writeEnvList(doc, loc.componentEnvPath, change.lists.component);
  }
  if (JSON.stringify(change.lists.container) !== JSON.stringify(lists.container))
    writeEnvList(doc, loc.containerEnvPath, change.lists.container);
  writeFileSync(path, docs.map((d) => d.toString()).join(''));
  return { changed: true, set: change.set, remove: change.remove };
}
