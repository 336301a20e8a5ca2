"""The messages between the grader and a student process: framing only (standard library + NumPy).

Both directions, on two pipes: a 4-byte big-endian length, a JSON header, and, if
the header says ``"npz": n``, n bytes of an ``.npz`` file read with
``allow_pickle=False``. No pickle anywhere.

Both sides use :func:`receive`; each says how bytes arrive (the kernel blocks on
its pipe, the grader reads with a deadline) and how a payload is decoded (the
grader checks every size first, :mod:`.replies`). This file is loaded by path in
the student process (see ``kernel.py``), so it imports nothing of the package.
"""
import io
import json
import os
import struct

MAX_MESSAGE = 512 * 2 ** 20  # a message larger than this is treated as a broken process


class Malformed(ValueError):
    """Not a message of this format: a header too long, or not a JSON object."""


class TooLarge(ValueError):
    """A header announcing a payload the reader does not accept; ``size`` is what it announced."""

    def __init__(self, size):
        super().__init__(f"a payload of {size} bytes")
        self.size = size


def read_exact(fd, n):
    """``n`` bytes from ``fd``, blocking until they are there."""
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def pack(header, arrays=None):
    """One message: header (JSON-able dict) plus optional {name: ndarray}."""
    payload = b""
    if arrays:
        import numpy as np
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        payload = buf.getvalue()
        header = dict(header, npz=len(payload))
    head = json.dumps(header).encode()
    return struct.pack(">I", len(head)) + head + payload


def unpack_arrays(payload):
    import numpy as np
    with np.load(io.BytesIO(payload), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def receive(read, max_payload=MAX_MESSAGE, unpack=unpack_arrays):
    """Read one message as (header, arrays); ``read(n)`` returns exactly n bytes or raises.

    Raises :class:`Malformed` or :class:`TooLarge`; the ValueErrors of ``json`` and of
    ``unpack`` (the payload's decoder) pass through.
    """
    (n,) = struct.unpack(">I", read(4))
    if n > MAX_MESSAGE:
        raise Malformed(f"a message header of {n} bytes")
    header = json.loads(read(n))
    if not isinstance(header, dict):
        raise Malformed("a message header that is not a JSON object")
    arrays = {}
    if header.get("npz"):
        size = int(header["npz"])
        if not 0 < size <= max_payload:
            raise TooLarge(size)
        arrays = unpack(read(size))
    return header, arrays
