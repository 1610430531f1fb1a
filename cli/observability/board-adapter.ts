// Bull Board's server side on plain node:http: the `IServerAdapter` that @bull-board/express fills
// with express and ejs, here in one small router, so the dashboard adds no web framework.
// Modelled on felixmosh/bull-board packages/express/src/ExpressAdapter.ts (routes, entry view, statics).

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type {
  AppControllerRoute,
  AppViewRoute,
  BullBoardQueues,
  ControllerHandlerReturnType,
  IServerAdapter,
  UIConfig,
} from '@bull-board/api/typings/app';

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly run: (params: Record<string, string>, request: IncomingMessage, url: URL, response: ServerResponse) => Promise<void>;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

/** `/api/queues/:queueName/:jobId` as a RegExp and its parameter names. */
function compile(route: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = route.split('/').map((part) => {
    if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(part.slice(1));
    return '([^/]+)';
  }).join('/');
  return { pattern: new RegExp(`^${source}/?$`), names };
}

/** `<%= x %>` escaped and `<%- x %>` raw: all that Bull Board's index.ejs uses of EJS. */
function renderView(template: string, params: Record<string, string>): string {
  const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return template.replace(/<%([=-])\s*(\w+)\s*%>/g, (_m, kind: string, name: string) => (kind === '=' ? escape(params[name] ?? '') : (params[name] ?? '')));
}

export class HttpBoardAdapter implements IServerAdapter {
  private readonly routes: Route[] = [];
  private queues: BullBoardQueues | undefined;
  private viewsPath = '';
  private uiConfig: UIConfig = {};
  private errorHandler: ((error: Error) => ControllerHandlerReturnType) | undefined;

  setQueues(queues: BullBoardQueues): this {
    this.queues = queues;
    return this;
  }

  setViewsPath(path: string): this {
    this.viewsPath = path;
    return this;
  }

  setStaticPath(route: string, root: string): this {
    this.add('get', `${route}/*`, async (_params, _request, url) => {
      const relative = decodeURIComponent(url.pathname.slice(route.length + 1));
      const file = normalize(join(root, relative));
      // Nothing outside the UI's own static folder, whatever `..` the path holds.
      if (!file.startsWith(root + sep)) throw Object.assign(new Error('not found'), { status: 404 });
      return { file, type: contentTypes[extname(file)] ?? 'application/octet-stream' };
    });
    return this;
  }

  setEntryRoute(route: AppViewRoute): this {
    for (const path of [route.route].flat()) {
      this.add(route.method, path, async () => {
        const { name, params } = route.handler({ basePath: '/', uiConfig: this.uiConfig });
        const template = await readFile(join(this.viewsPath, name), 'utf8');
        return { html: renderView(template, params) };
      });
    }
    return this;
  }

  setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    this.errorHandler = handler;
    return this;
  }

  setApiRoutes(routes: AppControllerRoute[]): this {
    for (const route of routes) {
      for (const method of [route.method].flat()) {
        for (const path of [route.route].flat()) {
          this.add(method, path, async (params, request, url) => {
            const body = ['post', 'put', 'patch'].includes(method) ? await readJson(request) : {};
            const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
            const response = await route.handler({ queues: this.queues!, uiConfig: this.uiConfig, query: Object.fromEntries(url.searchParams), params, body, headers });
            return { json: response.body, status: response.status ?? 200 };
          });
        }
      }
    }
    return this;
  }

  setUIConfig(config: UIConfig): this {
    this.uiConfig = config;
    return this;
  }

  /** The node:http request listener serving everything the board registered. */
  handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://board');
    const method = (request.method ?? 'GET').toLowerCase();
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (match === null) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      route.run(params, request, url, response).catch((error: unknown) => this.fail(response, error));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };

  private add(method: string, path: string, produce: (params: Record<string, string>, request: IncomingMessage, url: URL) => Promise<Produced>): void {
    const { pattern, names } = path.endsWith('/*') ? { pattern: new RegExp(`^${path.slice(0, -2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.+$`), names: [] } : compile(path);
    this.routes.push({ method, pattern, names, run: async (params, request, url, response) => send(response, await produce(params, request, url)) });
  }

  private fail(response: ServerResponse, error: unknown): void {
    const status = (error as { status?: number }).status;
    if (status === 404) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    const answer = this.errorHandler?.(error instanceof Error ? error : new Error(String(error))) ?? { status: 500, body: { error: String(error) } };
    response.writeHead(answer.status ?? 500, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }
}

type Produced = { file: string; type: string } | { html: string } | { json: unknown; status: number };

async function send(response: ServerResponse, produced: Produced): Promise<void> {
  if ('file' in produced) {
    const bytes = await readFile(produced.file).catch(() => undefined);
    if (bytes === undefined) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    response.writeHead(200, { 'content-type': produced.type }).end(bytes);
  } else if ('html' in produced) {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(produced.html);
  } else {
    response.writeHead(produced.status, { 'content-type': 'application/json' }).end(JSON.stringify(produced.json));
  }
}

/** A JSON request body (the board's POST/PUT actions), at most 1 MiB. */
async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 2 ** 20) throw Object.assign(new Error('request body over 1 MiB'), { status: 400 });
  }
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}
