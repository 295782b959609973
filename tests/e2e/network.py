"""A network link between the browser and the test's server that can be cut.

Chromium's offline switch (``context.set_offline``) tells the pages that there is no
network, but under load a request of a page served by the service worker can still get
through. The link is the network itself: while it is down every connection is closed
at once, as when a commune's line drops, whoever makes the request.
"""

import contextlib
import socket
import threading
from urllib.parse import urlsplit


class Link:
    """A TCP relay on a port of its own to the live server; ``url`` replaces the live
    server's address (same host, so the session cookie goes with it)."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self.target = (parts.hostname, parts.port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"{parts.scheme}://{parts.hostname}:{self.listener.getsockname()[1]}"
        self.up_event = threading.Event()
        self.up_event.set()
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def down(self) -> None:
        """Cut the line: open connections closed, new ones closed as they come."""
        self.up_event.clear()
        with self.lock:
            for sock in list(self.open):
                self._close(sock)
            self.open.clear()

    def up(self) -> None:
        self.up_event.set()

    def close(self) -> None:
        self.down()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.up_event.is_set():
                self._close(client)
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                self._close(client)
                continue
            with self.lock:
                self.open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pipe, args=(source, sink), daemon=True
                ).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while self.up_event.is_set():
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.open.discard(source)
                self.open.discard(sink)
            self._close(source)
            self._close(sink)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
