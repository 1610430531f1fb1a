// Reading a user's JSON file: an unreadable file or bad JSON is the user's to fix (InputError, exit 2),
// named with the file and the parser's own message. Leaves the document's meaning to the caller.

import { readFileSync } from 'node:fs';
import { InputError } from '../sim/errors.js';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, '', `cannot read the file: ${messageOf(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(file, '', `not valid JSON: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
