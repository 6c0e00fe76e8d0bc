// A WebSocket echo server for tests, on Node's `ws` (Debian's node-ws): 127.0.0.1, an ephemeral port,
// permessage-deflate accepted, every path or only $WS_PATH's. Prints "PORT <n>" on stdout once listening. Echoes text and binary messages;
// `ws` answers a client's close frame with the same code and reason. The text "close:<code>:<reason>" makes
// the server close with that code and reason; the text "abort" drops the TCP connection without a close frame.
// Every close frame received from a client is reported on stdout as "CLOSE <code> <reason>" (one line).
// Exits when its stdin is closed, so that it never outlives the JVM that started it.
'use strict';
const { WebSocketServer } = require('ws');

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: true,
  maxPayload: 64 * 1024 * 1024,
  // WS_PATH set: WebSockets at that path only (an upgrade elsewhere gets 400, a plain GET 426).
  path: process.env.WS_PATH || undefined,
});

server.on('listening', () => {
  process.stdout.write('PORT ' + server.address().port + '\n');
});

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString('utf8');
      if (text === 'abort') {
        socket.terminate();
        return;
      }
      const command = /^close:(\d+):(.*)$/s.exec(text);
      if (command) {
        socket.close(Number(command[1]), command[2]);
        return;
      }
    }
    socket.send(data, { binary: isBinary });
  });
  socket.on('close', (code, reason) => {
    if (socket._closeFrameReceived) {
      process.stdout.write('CLOSE ' + code + ' ' + reason.toString('utf8').replace(/\n/g, ' ') + '\n');
    }
  });
  socket.on('error', () => {});
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
