// Turns what a user typed (`--hub DIR_OR_URL`) into a hub: http(s) URLs go over HTTP, anything else
// is a directory. Leaves out other rfs stores (zdb, s3).

import { DirHub } from './dir-hub.js';
import { HttpHub, type HttpHubOptions } from './http-hub.js';
import type { FlistHub } from './hub.js';

export function openHub(dirOrUrl: string, options: HttpHubOptions = {}): FlistHub {
  return /^https?:\/\//i.test(dirOrUrl) ? new HttpHub(dirOrUrl, options) : new DirHub(dirOrUrl);
}
