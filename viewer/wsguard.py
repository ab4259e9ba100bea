"""What a browser may send over the websocket, checked before it costs anything.

wslink reassembles chunked messages (``wslink.chunking.UnChunker``): each chunk's 12-byte header declares
the whole message's size, and after the (public) hello the un-chunker zero-fills a buffer of whatever size
is declared, up to 4 GB, before any content arrives. Our browser never sends more than a few kilobytes
(state changes, trigger calls, picks), so a session here gets an un-chunker that refuses a declared size
beyond `MAX_MESSAGE` and more than `MAX_PENDING` half-received messages: memory per connection stays
under `MAX_MESSAGE * MAX_PENDING` whatever the headers say.

wslink also answers a failed call with the Python traceback (server file paths included); `scrub_errors`
makes those replies carry the exception's type only.
"""

from __future__ import annotations

from wslink.chunking import HEADER_LENGTH, UnChunker, _decode_header

MAX_MESSAGE = 1 << 20  # bytes one client message may declare (the browser's largest is a few KB)
MAX_PENDING = 4  # messages of one connection being reassembled at once


class MessageRefused(ValueError):
    """A client message beyond the limits: the connection is closed (code 1009) and nothing is allocated."""

    def __init__(self, reason: str, close_code: int = 1009):
        super().__init__(reason)
        self.close_code = close_code


class BoundedUnChunker(UnChunker):
    """wslink's un-chunker with a ceiling no hello can lift."""

    def __init__(self, max_message: int = MAX_MESSAGE, max_pending: int = MAX_PENDING):
        super().__init__()
        self.ceiling = max_message
        self.max_pending = max_pending
        self.max_message_size = min(self.max_message_size, max_message)

    def set_max_message_size(self, size: int) -> None:  # wslink raises it to 4 GB after the hello
        self.max_message_size = min(int(size), self.ceiling)

    def process_chunk(self, chunk: bytes):
        if len(chunk) < HEADER_LENGTH:
            raise MessageRefused(f"frame of {len(chunk)} bytes is shorter than a chunk header", 1002)
        msg_id, offset, total = _decode_header(chunk[:HEADER_LENGTH])
        if total > self.max_message_size:
            raise MessageRefused(f"message declares {total} bytes; at most {self.max_message_size}")
        if offset + len(chunk) - HEADER_LENGTH > total:
            raise MessageRefused("chunk runs past the message's declared end", 1002)
        if msg_id not in self.pending_messages and len(self.pending_messages) >= self.max_pending:
            raise MessageRefused(f"more than {self.max_pending} messages half-sent at once")
        return super().process_chunk(chunk)


def scrub_errors(endpoint) -> None:
    """Make `endpoint` (a wslink handler) send error replies without traceback or exception text."""
    send = endpoint.sendWrappedError

    async def send_without_trace(rpcid, code, message, data=None, client_id=None):
        if isinstance(data, dict) and ("trace" in data or "exception" in data):
            exc = str(data.get("exception", ""))
            data = {"method": data.get("method"), "exception": exc.split("(", 1)[0][:60]}
        await send(rpcid, code, message, data, client_id=client_id)

    endpoint.sendWrappedError = send_without_trace
