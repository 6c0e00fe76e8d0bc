// A script in another language driving the wschaos server as it would drive Toxiproxy, with wschaos's TLS fields:
// node tls-proxy-client.js API_BASE UPSTREAM. It creates a "tls": true proxy, fetches the server's certificate
// from GET /certificate, and connects Node's `ws` client over wss:// twice: trusting that PEM (prints
// "ECHO <message>") and with Node's default trust (prints "UNTRUSTED <error code>"). Exits 0 when both ran.
'use strict';
const WebSocket = require('ws');

const [api, upstream] = process.argv.slice(2);

function connect(url, options) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => ws.send('hello from node'));
    ws.on('message', (data) => {
      process.stdout.write('ECHO ' + data + '\n');
      ws.close(1000);
    });
    ws.on('close', () => resolve());
    ws.on('error', (error) => {
      process.stdout.write('UNTRUSTED ' + (error.code || error.message) + '\n');
      resolve();
    });
  });
}

(async () => {
  const created = await fetch(api + '/proxies', {
    method: 'POST',
    body: JSON.stringify({ name: 'node', listen: '127.0.0.1:0', upstream, tls: true }),
  });
  const proxy = await created.json();
  process.stdout.write('CREATED ' + created.status + ' tls=' + proxy.tls + '\n');
  const ca = await (await fetch(api + '/certificate')).text();
  const url = 'wss://' + proxy.listen + '/echo';
  await connect(url, { ca });
  await connect(url, {});
  process.exit(0);
})().catch((error) => {
  process.stdout.write('FAILED ' + error + '\n');
  process.exit(1);
});
