// Keeps secrets out of everything the action writes.

import type { Runner } from './github.js';

/**
 * Secrets (the api-key input, tokens from a kubeconfig) are masked by the runner in the log, but a
 * hostile or broken server can echo them back into a failure message, and the runner does not
 * mask step outputs or the job summary file the way it masks the log. So every string the action
 * writes is redacted here, in one place: the raw secret and the forms a server echo would take
 * (JSON-escaped, URL-encoded).
 */
export class Redactor {
  private forms: string[] = [];
  add(secret: string): void {
    if (secret.length < 4) return; // too short to find reliably (the runner masks it anyway)
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    for (const form of forms) if (!this.forms.includes(form)) this.forms.push(form);
    this.forms.sort((a, b) => b.length - a.length);
  }
  text(value: string): string {
    let out = value;
    for (const form of this.forms) out = out.split(form).join('***');
    return out;
  }
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.deep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)])) as T;
    }
    return value;
  }
}

/** The runner, with every message, output and summary passed through the redactor. */
export function redacting(runner: Runner, redactor: Redactor): Runner {
  return {
    info: (message) => runner.info(redactor.text(message)),
    warning: (message, properties) => runner.warning(redactor.text(message), properties),
    error: (message, properties) => runner.error(redactor.text(message), properties),
    setSecret: (secret) => {
      redactor.add(secret);
      runner.setSecret(secret);
    },
    setOutput: (name, value) => runner.setOutput(name, redactor.text(value)),
    saveState: (name, value) => runner.saveState(name, value),
    getState: (name) => runner.getState(name),
    appendSummary: (markdown) => runner.appendSummary(redactor.text(markdown)),
  };
}
