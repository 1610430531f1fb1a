// The in-process transport's ready list against a plain model of its rules (priority, then ready
// order; one job per node, its earliest ready one): the same jobs start in the same order, through
// runs long enough for the list's head to move past thousands of jobs and be compacted.
import test from 'ava';
import fc from 'fast-check';
import { JobBook, type Job } from '../../scheduler/transports/inprocess-book.js';
import type { Operation } from '../../workers/operations.js';
import { fcParams } from '../helpers/fc-params.js';

interface Spec {
  readonly priority: number;
  readonly node: number | undefined;
}

type Step = { readonly kind: 'ready'; readonly jobs: readonly Spec[] } | { readonly kind: 'take'; readonly slots: number } | { readonly kind: 'settle'; readonly pick: number };

/** The rules as plainly as they can be written: sort everything, scan it all, every time. */
class ModelBook {
  private ready: Array<{ seq: number; priority: number; node: number | undefined; readySeq: number }> = [];
  private readySeq = 0;
  readonly active: Array<{ seq: number; node: number | undefined }> = [];

  makeReady(seq: number, spec: Spec): void {
    this.ready.push({ seq, ...spec, readySeq: ++this.readySeq });
  }

  take(slots: number): number[] {
    let free = slots - this.active.length;
    const order = [...this.ready].sort((a, b) => a.priority - b.priority || a.readySeq - b.readySeq);
    const heads = new Map<number, number>();
    for (const job of [...this.ready].sort((a, b) => a.readySeq - b.readySeq)) if (job.node !== undefined && !heads.has(job.node)) heads.set(job.node, job.seq);
    const busy = new Set(this.active.map((job) => job.node).filter((node) => node !== undefined));
    const taken: number[] = [];
    for (const job of order) {
      if (free <= 0) break;
      if (job.node !== undefined && (busy.has(job.node) || heads.get(job.node) !== job.seq)) continue;
      if (job.node !== undefined) busy.add(job.node);
      taken.push(job.seq);
      this.active.push({ seq: job.seq, node: job.node });
      free--;
    }
    this.ready = this.ready.filter((job) => !taken.includes(job.seq));
    return taken;
  }
}

function opOf(spec: Spec): Operation {
  return { kind: 'hub.up', priority: spec.priority, ...(spec.node === undefined ? {} : { node: spec.node }) } as unknown as Operation;
}

const spec = fc.record({ priority: fc.integer({ min: 0, max: 2 }), node: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined, freq: 4 }) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.array(spec, { minLength: 1, maxLength: 400, size: 'max' }).map((jobs): Step => ({ kind: 'ready', jobs })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }).map((slots): Step => ({ kind: 'take', slots })) },
  { weight: 4, arbitrary: fc.nat().map((pick): Step => ({ kind: 'settle', pick })) },
);

test('jobs start in the order of the plain rules, however far the head has moved', (t) => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 120, size: 'max' }), (steps) => {
      const book = new JobBook();
      const model = new ModelBook();
      const bySeq = new Map<number, Job>();
      for (const s of steps) {
        if (s.kind === 'ready') {
          for (const one of s.jobs) {
            const { parent } = book.add(opOf(one));
            bySeq.set(parent.seq, parent);
            book.makeReady(parent);
            model.makeReady(parent.seq, one);
          }
        } else if (s.kind === 'take') {
          const got = book.take(s.slots).map((taken) => taken.job.seq);
          const want = model.take(s.slots);
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`take(${s.slots}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        } else if (model.active.length > 0) {
          const [done] = model.active.splice(s.pick % model.active.length, 1);
          book.settle(bySeq.get(done!.seq)!, { state: 'ok' });
        }
      }
    }),
    fcParams('inprocess-book #1', 60),
  );
  t.pass();
});

test('a long wave drains through a few slots in ready order (the head passes the compaction size)', (t) => {
  const book = new JobBook();
  const jobs: Job[] = [];
  for (let i = 0; i < 5000; i++) {
    const { parent } = book.add({ kind: 'hub.up' } as Operation);
    book.makeReady(parent);
    jobs.push(parent);
  }
  const started: number[] = [];
  while (started.length < jobs.length) {
    const taken = book.take(3);
    t.true(taken.length > 0, `stuck after ${started.length} jobs`);
    for (const { job } of taken) {
      started.push(job.seq);
      book.settle(job, { state: 'ok' });
    }
  }
  t.deepEqual(started, jobs.map((job) => job.seq));
  t.is(book.take(3).length, 0);
});
