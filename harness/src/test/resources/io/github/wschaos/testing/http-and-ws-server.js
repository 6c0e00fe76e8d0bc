// A Node.js `http` server with Node's `ws` (Debian's node-ws) on the same port, as an app serves its pages and its
// WebSocket together: a plain request is answered once its body has been read (the request's 'end' event, as any
// handler that reads the body answers), `200` with the request's path as the body; an upgrade is handed to `ws` at
// once (the server's 'upgrade' event), which echoes messages. So a request pipelined ahead of an upgrade request, both
// in one write, is answered after the 101 if both reach the server together (Node emits 'upgrade' in the same parse).
// 127.0.0.1, an ephemeral port; prints "PORT <n>" once listening; exits when its stdin is closed.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(req.url) });
    res.end(req.url);
  });
});
const webSockets = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  webSockets.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.address().port + '\n');
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
