"""Do pyproject.toml and environment.yml describe the same environment?"""
import os
import re
import sys

import pytest

from autograder_instructor.build import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _name(req):
    return re.split(r"[<>=!~\[ ]", req, 1)[0].strip().lower().replace("_", "-")


def _spec(req):
    return re.sub(r"\[.*?\]", "", req)[len(_name(req)):].replace(" ", "")


def _pyproject():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(data["dependencies"]) + [r for extra in data["optional-dependencies"].values()
                                         for r in extra]
    out = {}
    for r in reqs:
        out[_name(r)] = _spec(r)
        if _name(r) == "dask" and "distributed" in r:
            out["distributed"] = _spec(r)
    return out


def _environment():
    out = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"\s*-\s+(.+)$", line)
        if not m or m.group(1).startswith(("pip:", "-e")) or m.group(1).strip() == "pip":
            continue
        req = m.group(1).strip()
        if _name(req) == "python":
            continue
        out[_name(req)] = _spec(req)
    return out


def test_same_packages_and_versions():
    """Does every package in pyproject.toml appear in environment.yml with the same bounds?"""
    py, env = _pyproject(), _environment()
    assert set(py) == set(env), f"only in pyproject: {set(py) - set(env)}; only in env: {set(env) - set(py)}"
    for name in py:
        assert py[name] == env[name], f"{name}: pyproject {py[name]!r} vs environment.yml {env[name]!r}"


def test_python_versions_agree():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert data["requires-python"] == ">=3.10,<3.14"
    assert "python>=3.10,<3.14" in (ROOT / "environment.yml").read_text()


def _skip_unless_loadgroup(request):
    argv = " ".join(getattr(request.config, "workerinput", {}).get("mainargv", []))
    if not os.environ.get("PYTEST_XDIST_WORKER") or not re.search(r"--dist[= ]loadgroup", argv):
        pytest.skip("not run by xdist with --dist loadgroup")


@pytest.mark.xdist_group("loadgroup_probe")
def test_xdist_keeps_a_group_on_one_worker(request):
    """Under `make test` (-n 2 --dist loadgroup), does xdist still honour xdist_group? Tests
    that share one module fixture rely on it; pytest 9.2 silently broke it (xdist #1386)."""
    _skip_unless_loadgroup(request)
    assert request.node.nodeid.endswith("@loadgroup_probe"), request.node.nodeid


@pytest.fixture(scope="module")
def _module_fixture():
    return object()


def test_a_module_fixture_keeps_its_module_on_one_worker(request, _module_fixture):
    """Does a test that uses a module-scoped fixture get its module's xdist group (see
    tests/conftest.py), so the fixture is built on one worker only?"""
    _skip_unless_loadgroup(request)
    assert request.node.nodeid.endswith("@module-tests.test_packaging"), request.node.nodeid
