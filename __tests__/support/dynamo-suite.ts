// The jest side of support/dynamo.ts (which bench/ and scripts/ import outside jest): the suites
// that need the Dynamo venv run where it is set up and are skipped, with one warning, elsewhere.
import { describe } from '@jest/globals';
import { dynamoAvailable } from './dynamo.ts';

/** `describe` when the Dynamo venv and tiny model are set up, else `describe.skip`. */
export function dynamoSuite() {
  const available = dynamoAvailable();
  if (!available) console.warn('Dynamo venv missing: run scripts/setup-dynamo.sh (CI does).');
  return { available, describeDynamo: available ? describe : describe.skip };
}
