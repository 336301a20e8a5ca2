"""The one message format between the grader and a student process (autograder_instructor.grading.wire)."""
import io
import json
import struct

import numpy as np
import pytest

from autograder_instructor.grading import wire


def _reader(data):
    stream = io.BytesIO(data)

    def read(n):
        chunk = stream.read(n)
        if len(chunk) != n:
            raise EOFError("short")
        return chunk
    return read


def test_a_packed_message_reads_back_as_it_was_sent():
    """Do a header and its arrays (0-d included) come back unchanged through pack/receive?"""
    arrays = {"o0": np.arange(6.0).reshape(2, 3), "o1": np.asarray(3)}
    header, got = wire.receive(_reader(wire.pack({"seq": 4, "op": "probe"}, arrays)))
    assert header["seq"] == 4 and header["op"] == "probe" and header["npz"] > 0
    assert set(got) == {"o0", "o1"} and got["o1"].shape == ()
    np.testing.assert_array_equal(got["o0"], arrays["o0"])


def test_a_message_without_arrays_has_no_payload():
    """Is a header-only message read without touching the payload decoder?"""
    def unpack(_):
        raise AssertionError("no payload was announced")
    assert wire.receive(_reader(wire.pack({"ready": True})), unpack=unpack) == ({"ready": True}, {})


@pytest.mark.parametrize("head", [b"[1, 2]", b"null", b'"text"'])
def test_a_header_that_is_not_an_object_is_malformed(head):
    """Is a JSON header that is not an object refused as malformed, not crashed on?"""
    with pytest.raises(wire.Malformed):
        wire.receive(_reader(struct.pack(">I", len(head)) + head))


def test_an_oversized_header_is_refused_before_it_is_read():
    """Is a length above MAX_MESSAGE refused without reading (or allocating) that much?"""
    with pytest.raises(wire.Malformed):
        wire.receive(_reader(struct.pack(">I", wire.MAX_MESSAGE + 1)))


def test_a_payload_over_the_readers_cap_names_its_size():
    """Does a payload announced above the reader's cap raise TooLarge with the size sent?"""
    head = json.dumps({"npz": 5000}).encode()
    with pytest.raises(wire.TooLarge) as caught:
        wire.receive(_reader(struct.pack(">I", len(head)) + head), max_payload=4096)
    assert caught.value.size == 5000
