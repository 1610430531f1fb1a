// `flist pack DIR OUT` and `flist materialise META TARGET`: real flists on this host (workers/host/flist).
// Leaves out mounting with FUSE; materialise writes the whole tree, fetching blocks through a cache.

import { readFile } from 'node:fs/promises';
import { CheckFailedError, InputError } from '../../sim/errors.js';
import { defineGroup, type Command } from '../command.js';

const hubFlag = { kind: 'value', valueName: 'DIR_OR_URL', help: 'hub directory, or http://HOST:PORT/ of `zos-testbed hub`' } as const;

/** Hub trouble is the user's to fix (start the hub, fix the URL); a corrupt block fails a check. */
async function hubErrorsAsInput<T>(work: () => Promise<T>): Promise<T> {
  const { BlockCorruptError, HubMissingError, HubUnreachableError } = await import('../../workers/host/flist/errors.js');
  try {
    return await work();
  } catch (error) {
    if (error instanceof HubUnreachableError || error instanceof HubMissingError) throw new InputError('command line', '--hub', error.message);
    if (error instanceof BlockCorruptError) throw new CheckFailedError(error.message);
    throw error;
  }
}

const pack: Command = {
  name: 'pack',
  summary: 'pack a directory into an flist: 512 KiB content-addressed blocks on a hub, metadata in OUT',
  usage: 'flist pack DIR OUT [--hub DIR_OR_URL] [--json]',
  maxPositionals: 2,
  flags: { hub: { ...hubFlag, help: `${hubFlag.help} (default OUT.hub, a directory)` } },
  async run(args, { out }) {
    const dir = args.positional(0, 'DIR');
    const outPath = args.positional(1, 'OUT');
    const [{ openHub }, { packToFile }] = await Promise.all([import('../../workers/host/flist/open-hub.js'), import('../../workers/host/flist/pack.js')]);
    const hub = openHub(args.string('hub', `${outPath}.hub`));
    const r = await hubErrorsAsInput(() => packToFile(dir, outPath, hub));
    for (const path of r.skipped) out.progress(`flist pack: skipped ${path} (not a file, directory or symlink)`);
    const doc = { flist: outPath, name: r.flistName, hub: hub.name, checksum: r.meta.checksum, entries: r.meta.entries.length, files: r.files, totalBytes: r.totalBytes, blocks: r.blocks, uploadedBlocks: r.uploadedBlocks, uploadedBytes: r.uploadedBytes, skipped: r.skipped };
    out.result(doc, `packed ${r.files} files (${r.totalBytes} bytes, ${r.blocks} blocks, ${r.uploadedBlocks} uploaded) into ${outPath}; published as ${r.flistName} on ${hub.name}`);
    return 0;
  },
};

const materialiseCommand: Command = {
  name: 'materialise',
  summary: 'write the tree of an flist under TARGET, fetching blocks through a local block cache',
  usage: 'flist materialise META TARGET --hub DIR_OR_URL --cache DIR [--json]',
  maxPositionals: 2,
  flags: { hub: hubFlag, cache: { kind: 'value', valueName: 'DIR', help: 'block cache directory (blocks fetched once are reused)' } },
  async run(args, { out }) {
    const metaPath = args.positional(0, 'META');
    const target = args.positional(1, 'TARGET');
    const [{ openHub }, { HostBlockCache }, { parseFlist }, { materialise }] = await Promise.all([
      import('../../workers/host/flist/open-hub.js'),
      import('../../workers/host/flist/block-cache.js'),
      import('../../workers/host/flist/format.js'),
      import('../../workers/host/flist/materialise.js'),
    ]);
    const hub = openHub(args.required('hub'));
    const cacheDir = args.required('cache');
    const text = await readFile(metaPath).catch((error: NodeJS.ErrnoException) => {
      throw new InputError('command line', 'META', `cannot read ${metaPath} (${error.code ?? error.message})`);
    });
    const meta = parseFlist(text, metaPath);
    const r = await hubErrorsAsInput(() => materialise(meta, target, { cache: new HostBlockCache(cacheDir, hub) }));
    out.result({ target, checksum: meta.checksum, ...r }, `materialised ${r.files} files, ${r.dirs} dirs, ${r.symlinks} symlinks (${r.totalBytes} bytes) under ${target}; fetched ${r.fetchedBlocks} blocks (${r.fetchedBytes} bytes) from ${hub.name}`);
    return 0;
  },
};

export const flist = defineGroup({
  name: 'flist',
  summary: 'pack a directory into an flist on a hub, or materialise one (real files on this host)',
  subcommands: [pack, materialiseCommand],
});
