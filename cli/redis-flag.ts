// `--redis URL` as every command that takes it reads it: the URL's form is checked with the other
// flags, and the server is tried once before any work. Leaves out connecting for real (the transports).

import { InputError } from '../sim/errors.js';
import type { Args } from './args.js';

/** `--redis` as typed, or undefined when absent (bad input when `required`); it must be a redis:// URL. */
export function redisFlag(args: Args, options: { required: true }): string;
export function redisFlag(args: Args, options?: { required?: false }): string | undefined;
export function redisFlag(args: Args, options: { required?: boolean } = {}): string | undefined {
  const url = options.required === true ? args.required('redis') : args.string('redis');
  if (url !== undefined && !/^redis:\/\//.test(url)) throw new InputError('command line', '--redis', `must be a redis:// URL, got ${JSON.stringify(url)}`);
  return url;
}

/**
 * Tries the server once, before any work: nothing answering is bad input naming `--redis` and the
 * address, said at once rather than retried in silence. Loads ioredis only when called.
 */
export async function checkRedisFlag(url: string): Promise<void> {
  const { checkRedisReachable } = await import('../scheduler/transports/bullmq/connection.js');
  await checkRedisReachable(url, { where: 'command line', field: '--redis' });
}
