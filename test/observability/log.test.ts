// Worker log lines: the level filters, text reads as the other progress lines, JSON is one object a line.
import test from 'ava';
import { createLogger } from '../../cli/observability/log.js';

const at = new Date('2026-01-02T03:04:05.000Z');

test('text lines: info untagged, others tagged, fields as key=value; below the level nothing', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'warn', format: 'text', write: (l) => lines.push(l) });
  log.log('info', 'worker: zdb.set ok', { ms: 3 });
  log.log('debug', 'worker: job 1 active');
  log.log('warn', 'worker: lost Redis; reconnecting', { url: 'redis://x y', gone: undefined });
  log.log('error', 'worker: boom');
  t.deepEqual(lines, ['warn: worker: lost Redis; reconnecting url="redis://x y"', 'error: worker: boom']);
  t.false(log.enabled('info'));
  t.true(log.enabled('error'));
  const info: string[] = [];
  createLogger({ level: 'info', format: 'text', write: (l) => info.push(l) }).log('info', 'worker: zdb.set ok', { ms: 3 });
  t.deepEqual(info, ['worker: zdb.set ok ms=3']);
});

test('JSON lines: time, level, msg and the defined fields, one object per line', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l), now: () => at });
  log.log('debug', 'worker: job 7 active', { attempt: 2, error: undefined });
  t.deepEqual(lines, ['{"time":"2026-01-02T03:04:05.000Z","level":"debug","msg":"worker: job 7 active","attempt":2}']);
});
