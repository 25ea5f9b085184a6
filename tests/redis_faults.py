"""
Redis servers that misbehave, started by the tests themselves on a free port of 127.0.0.1:

- `HungRedis`: accepts connections and never answers (a frozen process, a network dropping packets);
- `RedisProxy`: passes everything to the real Redis until `hang()` (then it answers nothing and loses
  what it is sent) or `stop()` (then it refuses connections and drops those it had); `resume()` goes back
  to passing, with the real Redis's keys as they were — Redis "answering again".
"""

import contextlib
import select
import socket
import threading
from urllib.parse import urlparse


class _Server:
    def __init__(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept_loop(self):
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([self._listener], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._sockets.append(client)
            self.accepted(client)

    def accepted(self, client: socket.socket) -> None:
        raise NotImplementedError

    def close(self):
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self._thread.join(timeout=2)


class HungRedis(_Server):
    """Accepts, reads what it is sent (counted in `received`), and never answers."""

    def __init__(self):
        self.received = 0
        super().__init__()

    def accepted(self, client):
        threading.Thread(target=self._swallow, args=(client,), daemon=True).start()

    def _swallow(self, client):
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([client], [], [], 0.05)
                if ready:
                    data = client.recv(65536)
                    if not data:
                        return
                    self.received += len(data)
            except (OSError, ValueError):
                return


class RedisProxy(_Server):
    """Passes bytes both ways to the real Redis, until told to hang or stop."""

    def __init__(self, target_url: str):
        parsed = urlparse(target_url)
        self._target = (parsed.hostname or "127.0.0.1", parsed.port or 6379)
        self.state = "pass"  # "pass", "hang", "stop"
        super().__init__()

    def hang(self):
        self.state = "hang"

    def stop(self):
        self.state = "stop"
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def resume(self):
        self.state = "pass"

    def accepted(self, client):
        if self.state == "stop":
            client.close()
            return
        upstream = socket.create_connection(self._target, timeout=2)
        threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client, upstream):
        pair = {client: upstream, upstream: client}
        try:
            while not self._closed.is_set():
                if self.state == "stop":
                    return
                if self.state == "hang":
                    # Nothing answered, and what the client sends is lost (a frozen server whose
                    # connections the client gives up on, a network dropping packets).
                    ready, _, _ = select.select([client], [], [], 0.01)
                    if ready and not client.recv(65536):
                        return
                    continue
                ready, _, _ = select.select(list(pair), [], [], 0.05)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()
