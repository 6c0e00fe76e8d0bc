// A plain Node.js `http` server (no WebSocket library) that answers every request, an upgrade request included,
// `426 Upgrade Required` with a chunked body on a kept-alive connection, as a Node server does with res.write():
// `Transfer-Encoding: chunked`, `10\r\nUpgrade Required\r\n0\r\n\r\n`, and the connection left open (Keep-Alive:
// timeout=5). 127.0.0.1, an ephemeral port; prints "PORT <n>" once listening; exits when its stdin is closed.
'use strict';
const http = require('http');

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.write('Upgrade Required');
  res.end();
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.address().port + '\n');
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
