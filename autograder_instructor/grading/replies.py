"""Decode a student process's reply in the grader, checking every size before allocating.

A reply is an ``.npz`` (a zip of ``.npy`` members) written by code the student
controls: ``np.savez`` can be replaced from a notebook. ``np.load`` trusts what the
file declares, so a 3 MB reply whose member header says "437 M float64" makes it
allocate 3.5 GB before a byte is read. Here the zip's member table and each
``.npy`` header are read first and checked against per-array and per-reply caps;
object, structured and non-numeric dtypes are refused. A member that fails costs
only the outputs that name it (they become a ``refused:`` value, judged as a wrong
answer with the reason); only a payload that is not a zip at all is an error for
the whole reply.
"""
import io
import zipfile

import numpy as np

MAX_ARRAY_MB = 64  # one output array (hidden cases are far smaller)
MAX_MEMBERS = 4096  # arrays in one reply
MAX_HEADER = 10_000  # bytes of one .npy header (numpy's own default limit)


class Refused(str):
    """Why one member was not decoded (a str, so a reply stays JSON-able)."""


def _member(z, info, left):
    """One member as an ndarray, or a :class:`Refused` reason; ``left`` bytes may be used."""
    if not info.filename.endswith(".npy") or info.is_dir():
        return Refused("not an .npy array")
    if info.file_size > min(left, MAX_ARRAY_MB * 2 ** 20):
        return Refused(f"declares {info.file_size} bytes, more than the grader accepts")
    with z.open(info) as f:  # zipfile never inflates past the declared file_size
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f, max_header_size=MAX_HEADER)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f, max_header_size=MAX_HEADER)
        else:
            return Refused(f"unknown .npy version {version}")
        if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biufc":
            return Refused(f"an array of dtype {dtype} (only numbers are accepted)")
        count = 1
        for n in shape:
            count *= int(n)
        nbytes = count * dtype.itemsize
        if nbytes > info.file_size:  # checked before anything of that size exists
            return Refused(f"declares shape {shape} of {dtype}, larger than the data sent")
        array = np.empty(count, dtype=dtype)  # sizes checked: now it may exist
        view = memoryview(array).cast("B") if nbytes else memoryview(bytearray())
        got = 0
        while got < nbytes:
            n = f.readinto(view[got:got + 2 ** 18])  # small reads: zipfile joins large ones
            if not n:
                break
            got += n
        extra = len(f.read(1))
    if got != nbytes or extra:
        return Refused(f"declares shape {shape} of {dtype} but holds "
                       f"{got + extra}{'+' if extra else ''} bytes")
    return array.reshape(shape, order="F" if fortran else "C")


def unpack(payload, max_bytes):
    """``payload`` (npz bytes) -> {name: ndarray or Refused}, using at most ``max_bytes``.

    Raises ValueError when the payload is not a zip or has too many members.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValueError(f"the outputs are not an npz file ({exc})") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError(f"{len(infos)} arrays in one reply (at most {MAX_MEMBERS})")
        arrays, left = {}, max_bytes
        for info in infos:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            try:
                value = _member(z, info, left)
            except Exception as exc:  # a broken header, CRC or compression: this member only
                value = Refused(f"unreadable ({type(exc).__name__}: {str(exc)[:120]})")
            if not isinstance(value, Refused):
                left -= value.nbytes
            arrays[name] = value
    return arrays


def decode(flat, arrays):
    """Turn one case's wire outputs back into {key: ndarray or str}, refusing anything else."""
    out = {}
    if not isinstance(flat, dict):
        return {"error": "error:the student process returned malformed outputs"}
    for key, value in flat.items():
        if isinstance(value, dict) and isinstance(value.get("s"), str):
            out[key] = value["s"]
        elif isinstance(value, dict) and isinstance(value.get("a"), str) and value["a"] in arrays:
            array = arrays[value["a"]]
            if isinstance(array, Refused):
                out[key] = f"refused:an output the grader refused: {array}"
            else:
                out[key] = array if array.dtype.kind in "biufc" else "type:unsupported array"
        else:
            out[key] = "type:malformed output"
    if "error" in out and not isinstance(out["error"], str):
        out["error"] = "error:malformed"
    return out
