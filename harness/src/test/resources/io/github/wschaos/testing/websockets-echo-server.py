# A WebSocket echo server on Python's websockets library (Debian's python3-websockets), on 127.0.0.1 and an
# ephemeral port, which it prints as "PORT <n>". It exits when its stdin closes (the JVM that started it went away).
import asyncio
import sys

import websockets


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("PORT %d" % port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


asyncio.run(main())
