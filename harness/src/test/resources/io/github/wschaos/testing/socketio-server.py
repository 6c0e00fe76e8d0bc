# A Socket.IO server on python-socketio with aiohttp (Debian's python3-socketio and python3-aiohttp), on 127.0.0.1
# and an ephemeral port, which it prints as "PORT <n>". Engine.IO's heartbeat interval and timeout are the
# environment's PING_INTERVAL and PING_TIMEOUT, in seconds. It exits when its stdin closes (the JVM went away).
import asyncio
import os
import sys

import socketio
from aiohttp import web


async def main():
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=float(os.environ["PING_INTERVAL"]),
                               ping_timeout=float(os.environ["PING_TIMEOUT"]))
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


asyncio.run(main())
