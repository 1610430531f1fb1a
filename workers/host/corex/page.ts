// The two pages CoreX serves: the process list at `/` and the web terminal at `/attach/<id>`, the latter
// speaking corex's ttyd-style websocket protocol (html/js/app.js in threefoldtech/corex). Ours are small
// hand-written pages on xterm.js from node_modules; corex bundles an older xterm with webpack.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function homePage(): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CoreX processes</title></head>
<body style="font-family: sans-serif">
<h1>CoreX processes</h1>
<table id="processes" border="1" cellpadding="4"><thead><tr><th>PID</th><th>Id</th><th>Command</th><th>State</th></tr></thead><tbody></tbody></table>
<script>
fetch('/api/processes').then((r) => r.json()).then((data) => {
  const body = document.querySelector('#processes tbody');
  for (const p of data.processes) {
    const row = body.insertRow();
    row.insertCell().textContent = p.pid;
    const link = document.createElement('a');
    link.href = '/attach/' + p.id;
    link.textContent = p.id;
    row.insertCell().appendChild(link);
    row.insertCell().textContent = p.command;
    row.insertCell().textContent = p.state;
  }
});
</script></body></html>`;
}

/**
 * Messages are binary frames whose first byte is the type, as corex src/server.h: from the page '0'
 * input, '1' resize JSON {columns, rows}, '{' the JSON hello with AuthToken; from the server '0'
 * output, '1' window title, '2' preferences JSON, '3' reconnect seconds. `window.term` is exposed as
 * corex's page does, for programs that read the screen.
 */
export function attachPage(id: number, title: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/xterm/xterm.css">
<script src="/xterm/xterm.js"></script>
<style>html, body { margin: 0; height: 100%; background: #2b2b2b } #terminal { height: 100% }</style>
</head><body><div id="terminal"></div>
<script>
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const term = window.term = new Terminal({ fontSize: 14, cols: 100, rows: 30, theme: { background: '#2b2b2b', foreground: '#d2d2d2' } });
term.open(document.getElementById('terminal'));
const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/${id}';
const ws = new WebSocket(url, ['tty']);
ws.binaryType = 'arraybuffer';
const send = (text) => { if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(text)); };
ws.onopen = () => {
  send(JSON.stringify({ AuthToken: null }));
  send('1' + JSON.stringify({ columns: term.cols, rows: term.rows }));
  term.onData((data) => send('0' + data));
  term.focus();
  document.body.dataset.state = 'open';
};
ws.onmessage = (event) => {
  const bytes = new Uint8Array(event.data);
  const kind = String.fromCharCode(bytes[0]);
  const payload = bytes.slice(1);
  if (kind === '0') term.write(payload);
  else if (kind === '1') document.title = decoder.decode(payload);
};
ws.onclose = (event) => { document.body.dataset.state = 'closed'; term.write('\\r\\n[connection closed: ' + event.code + ']\\r\\n'); };
</script></body></html>`;
}
