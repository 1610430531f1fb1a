// A flag that takes a duration (`--until 30d`, `--timeout 5m`, or plain seconds), read one way for
// every command: more than zero, and bad input naming the flag otherwise.

import { parseDuration } from '../scenarios/duration.js';
import { InputError } from '../sim/errors.js';
import type { Args } from './args.js';

/** A duration as given: in seconds, and as typed (for messages). */
export interface DurationFlag {
  readonly seconds: number;
  readonly text: string;
}

/** `--NAME DURATION`, or undefined when not given. */
export function durationFlag(args: Args, name: string): DurationFlag | undefined {
  const text = args.string(name);
  if (text === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  } catch (error) {
    throw new InputError('command line', `--${name}`, (error as Error).message);
  }
  if (!(seconds > 0)) throw new InputError('command line', `--${name}`, `must be more than 0, got ${JSON.stringify(text)}`);
  return { seconds, text };
}
