# A TLS server that finishes each handshake and then closes at once, the request unread, so that its kernel resets
# the connection (RST) right after the TLS 1.3 session tickets: a TLS terminator whose backend is down. Prints
# "PORT <n>" once it listens; CERT and KEY (PEM files) from the environment; exits when its stdin closes.
import os
import socket
import ssl
import sys
import threading

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print("PORT %d" % listener.getsockname()[1], flush=True)


def serve():
    while True:
        connection, _ = listener.accept()
        try:
            context.wrap_socket(connection, server_side=True).close()  # no close_notify
        except (ssl.SSLError, OSError):
            connection.close()


threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()
