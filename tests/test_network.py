"""The app server's connections send each message at once (Nagle's algorithm off), as ui/network.py sets."""

from __future__ import annotations

import asyncio
import socket
from asyncio import base_events
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui import network


@pytest.fixture
def asyncio_as_shipped(monkeypatch):
    """asyncio's own rule back in place (a test may run after the frame replaced it), and put back after."""
    monkeypatch.setattr(network, "_done", False)
    monkeypatch.setattr(base_events, "_set_nodelay", _asyncio_rule)


def _asyncio_rule(sock):  # asyncio's rule: only sockets that name the TCP protocol
    if (
        sock.family in {socket.AF_INET, socket.AF_INET6}
        and sock.type == socket.SOCK_STREAM
        and sock.proto == socket.IPPROTO_TCP
    ):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def _server_side_nodelay() -> int:
    """TCP_NODELAY on the server's end of a connection to a listener bound as Streamlit binds it."""
    listener = socket.socket(family=socket.AF_INET)  # no protocol named: proto 0, like Streamlit's
    listener.bind(("127.0.0.1", 0))
    accepted = asyncio.get_running_loop().create_future()

    class Remember(asyncio.Protocol):
        def connection_made(self, transport):
            accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await asyncio.get_running_loop().create_server(Remember, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    value = await asyncio.wait_for(accepted, 5)
    writer.close()
    server.close()
    await server.wait_closed()
    return value


def served_nodelay() -> int:
    """_server_side_nodelay on an event loop of its own (a browser test may have left one running here)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _server_side_nodelay()).result(timeout=30)


def test_asyncio_leaves_nagle_on_for_a_listener_bound_like_streamlits(asyncio_as_shipped):
    assert served_nodelay() == 0  # why the app needs network.py at all


def test_after_the_frame_every_accepted_connection_sends_at_once(asyncio_as_shipped):
    network.send_messages_at_once()  # the server's later listeners and connections, as asyncio accepts them
    assert served_nodelay() == 1


def test_a_connection_open_before_the_first_run_is_switched_too(asyncio_as_shipped):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            served, _ = listener.accept()
            with served:
                assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
                network.send_messages_at_once()
                assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
                assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
