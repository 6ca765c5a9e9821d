// Which container images the stand-in's kubelet can run, and how (see README "Kubelet"):
// - Dynamo images (nvcr.io/nvidia/ai-dynamo/…, `kubelet.imageCommands`): their command, Python from
//   the project's venv, entrypoint `python3 -m dynamo.frontend`;
// - official Node 24 images (`node:24`, `node:24-slim`, `docker.io/library/node:24…`) and the mirrors a
//   cluster names (`nodeImages`): Node 24 (the project's), the image's docker-entrypoint.sh rules;
// - `standin.local/…` images: the stand-in's own, their command as given;
// - anything else cannot be run here and fails as an image that cannot be pulled on a real node.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export type ImageKind = 'dynamo' | 'node' | 'local' | 'unknown';

export interface ImageRules {
  /** Images run without `command` through this entrypoint (Dynamo images by default). */
  imageCommands?: { pattern: RegExp; command: string[] }[];
  /** More Node 24 images: a mirror's references (exact strings) or patterns. */
  nodeImages?: (string | RegExp)[];
}

export const DEFAULT_IMAGE_COMMANDS = [
  {
    pattern: /ai-dynamo|dynamo-(frontend|runtime|planner)|vllm-runtime|sglang-runtime|tensorrtllm-runtime/,
    command: ['python3', '-m', 'dynamo.frontend'],
  },
];

/** The official image, any Node 24 tag (`24`, `24-slim`, `24.1.0-bookworm`), optionally by digest. */
export const OFFICIAL_NODE_24 =
  /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?(?:library\/)?node:24(?:[.-][A-Za-z0-9._-]*)?(?:@sha256:[0-9a-f]{64})?$/;

export function imageKind(image: string, rules: ImageRules): ImageKind {
  if (!image) return 'local'; // a container without an image runs its command, as it always has here
  const mirrors = rules.nodeImages ?? [];
  if (
    OFFICIAL_NODE_24.test(image) ||
    mirrors.some((m) => (typeof m === 'string' ? m === image : m.test(image)))
  )
    return 'node';
  if ((rules.imageCommands ?? DEFAULT_IMAGE_COMMANDS).some((x) => x.pattern.test(image))) return 'dynamo';
  if (image.startsWith('standin.local/')) return 'local';
  return 'unknown';
}

/** The reference as containerd resolves it: `node:24` → `docker.io/library/node:24`, `:latest` by default. */
export function normalizedReference(image: string): string {
  const [name, digest] = image.split('@');
  const parts = name.split('/');
  const registry = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost');
  let path = registry ? name : `docker.io/${parts.length === 1 ? `library/${name}` : name}`;
  if (!digest && !/:[^/]+$/.test(path)) path += ':latest';
  return digest ? `${path}@${digest}` : path;
}

/** The CRI's NotFound for an image no registry has: the waiting message and the kubelet's event. */
export function pullFailure(image: string): { message: string; event: string } {
  const ref = normalizedReference(image);
  const message = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
  return { message, event: `Failed to pull image "${image}": ${message}` };
}

/** A directory holding `node` (the Node that runs Node images), put first on such containers' PATH. */
export function nodeImageBin(dir: string, nodeBinary: string): string {
  const bin = join(dir, 'node-image', 'bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, 'node'))) symlinkSync(nodeBinary, join(bin, 'node'));
  return bin;
}

/** The image's paths to its Node binary. */
export const NODE_PATHS = new Set(['node', 'nodejs', '/usr/local/bin/node', '/usr/bin/node']);

/**
 * The official image's docker-entrypoint.sh with CMD ["node"]: no arguments runs `node`; a first
 * argument that is an option (`-e`, `--import`…) or not a command of the image is handed to node.
 */
export function nodeEntrypoint(args: string[]): string[] {
  if (!args.length) return ['node'];
  const first = args[0];
  const imageCommands = /^(\/(usr\/)?(local\/)?bin\/)?(node|nodejs|npm|npx|sh|bash|env)$/;
  if (first.startsWith('-') || !imageCommands.test(first)) return ['node', ...args];
  return args;
}
