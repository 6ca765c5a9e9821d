// The model path or hub id a command line names (`--model-path X`, `--model X`, `--model=X`),
// for aiperf's `--tokenizer` in the next command. Pure.

export function modelPathIn(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=');
    const flag = eq >= 0 ? argv[i].slice(0, eq) : argv[i];
    if (flag !== '--model-path' && flag !== '--model') continue;
    const value = eq >= 0 ? argv[i].slice(eq + 1) : argv[i + 1];
    if (value && !value.startsWith('-')) return value;
  }
  return undefined;
}
