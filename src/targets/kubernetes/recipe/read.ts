// The recipe (a deploy.yaml, often several documents), read bounded and parsed: which DGD it
// deploys, in which API version and namespace. Writing it back: write.ts.

import { Parser, parseAllDocuments, type Document } from 'yaml';
import { RECIPE_MAX_BYTES, RECIPE_MAX_DOCUMENTS } from '../../../bounded/limits.js';
import { FileProblem, readRegularFile } from '../../../bounded/read-file.js';
import { quote } from '../../../runner/redact.js';
import { RunFailure } from '../../../model/failure.js';
import { DGD_GROUP, type DgdVersion } from '../object/dgd.js';
import { asString, dig, isObject, type JsonObject } from '../object/json.js';
import { resolveRecipeFile, type RecipeFile, type RecipePolicy } from './file-path.js';

export interface RecipeTarget {
  /** The path as given. */
  path: string;
  /** Where it really is, checked against the workspace; every read and write goes here. */
  file: RecipeFile;
  /** The file's text as read. */
  text: string;
  name: string;
  namespace?: string;
  version: DgdVersion;
  /** Index of the DGD among the file's documents. */
  docIndex: number;
  object: JsonObject;
}

function recipeFailure(path: string, problem: string, hint?: string): RunFailure {
  return new RunFailure(
    'bad-input',
    `Input \`recipe\` (${path}): ${problem}`,
    hint ?? 'point `recipe` at a deploy.yaml holding exactly one DynamoGraphDeployment',
  );
}

/** The recipe's text, read bounded: a regular file of at most RECIPE_MAX_BYTES. */
export function loadText(path: string, file: RecipeFile): string {
  try {
    return readRegularFile(file.real, RECIPE_MAX_BYTES).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileProblem)) throw error;
    if (error.code === 'missing') throw recipeFailure(path, 'no such file');
    throw recipeFailure(
      path,
      error.code === 'too-large'
        ? `is larger than ${RECIPE_MAX_BYTES / 1024 / 1024} MiB, the most the action reads of a recipe`
        : error.message,
    );
  }
}

/**
 * At most RECIPE_MAX_DOCUMENTS documents, counted on the parser's token stream before anything
 * is built (a file of a million empty documents costs a moment, not gigabytes).
 */
function countDocuments(path: string, text: string): void {
  let count = 0;
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document' && ++count > RECIPE_MAX_DOCUMENTS)
      throw recipeFailure(path, `holds more than ${RECIPE_MAX_DOCUMENTS} YAML documents`);
  }
}

/**
 * The yaml library's guards against resource exhaustion (too many aliases, nesting deeper than
 * the stack) are errors of the file, not of the action: `bad-input`, with the library's words.
 */
function asData<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw recipeFailure(path, `cannot be read as YAML data (${message})`);
  }
}

function parseDocuments(path: string, text: string): Document.Parsed[] {
  countDocuments(path, text);
  const docs = asData(path, () => parseAllDocuments(text));
  if (!Array.isArray(docs)) throw recipeFailure(path, 'is empty');
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) {
    // The parser's position: name the line at fault, and show it.
    const error = broken.errors[0];
    const at = error.linePos?.[0];
    const line = at ? text.split('\n')[at.line - 1] : undefined;
    const where = at ? `line ${at.line}, column ${at.col}` : undefined;
    throw recipeFailure(
      path,
      `is not valid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}${line !== undefined ? ` (the line: ${quote(line.trimEnd(), 200)})` : ''}`,
      `fix the YAML of \`recipe\` (${path})${where ? ` at ${where}` : ''}, then run again`,
    );
  }
  return docs;
}

/**
 * Reads the recipe after checking its path (see file-path.ts): with a workspace, the real path
 * must lie inside it, and with `write` the path must not go through a symlink.
 */
export function readRecipe(path: string, policy: RecipePolicy = { write: false }): RecipeTarget {
  const file = resolveRecipeFile(path, policy);
  const text = loadText(path, file);
  const docs = parseDocuments(path, text);
  const found: RecipeTarget[] = [];
  docs.forEach((doc, docIndex) => {
    const object = asData(path, () => doc.toJS()) as unknown;
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
      file,
      text,
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
