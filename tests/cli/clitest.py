# clitest.py: what the ferry-cli tests share
#
# Every test runs the built ferry-cli in its own HOME, XDG dirs and
# keyring file (libsecret's file backend), against the built-in simulator
# (--demo) or a ferry-sim process started with --port 0. The JSON shapes
# are read from the manual page, where they are documented.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

BUILD = os.environ.get("FERRY_BUILD_ROOT", "_build")
SOURCE = os.environ.get("FERRY_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(BUILD, "src", "ferry-cli", "ferry-cli")
SIM = os.path.join(BUILD, "src", "ferry-sim", "ferry-sim")
MANPAGE = os.path.join(SOURCE, "src", "ferry-cli", "ferry-cli.1")
COMPLETION = os.path.join(SOURCE, "src", "ferry-cli", "ferry-cli.bash")

# Exit statuses (ferry-cli.1, EXIT STATUS).
OK, BLOCKED, ERROR, INTERRUPTED = 0, 1, 2, 130


class Sim:
    """A ferry-sim process; its first line names every pool and host."""

    def __init__(self, *args):
        self.sessions = []
        self.proc = subprocess.Popen([SIM, "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(10)
            raise AssertionError("ferry-sim did not start: " + self.proc.stderr.read())
        self.world = json.loads(line)

    def pool(self, name=None):
        for pool in self.world["pools"]:
            if name is None or pool["name"] == name:
                return pool
        raise KeyError(name)

    def https(self, name=None):
        return self.pool(name)["master"]

    def http(self, name=None):
        for host in self.world.get("standalone", []):
            if host["name"] == name:
                return host["http_url"]
        return self.pool(name)["master_http"]

    def control(self, method, path, body=None, pool=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.http(pool) + path.lstrip("/"), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as reply:
            return json.loads(reply.read())

    def fault(self, fault, pool=None):
        return self.control("POST", "sim/faults", fault, pool)

    def xapi(self, pool):
        """A XenAPI session (python3-os-xenapi) on a pool of the simulator."""
        from os_xenapi.client import XenAPI
        session = XenAPI.Session(self.http(pool))
        session.login_with_password("root", "demo", "2.21", "ferry-cli-test")
        self.sessions.append(session)
        return session.xenapi

    def vm(self, pool, name):
        """Where a VM is, read from the simulator: (host, {device: SR name}, power state)."""
        x = self.xapi(pool)
        ref = x.VM.get_by_name_label(name)[0]
        record = x.VM.get_record(ref)
        host = x.host.get_name_label(record["resident_on"]) if record["resident_on"] != "OpaqueRef:NULL" else None
        disks = {}
        for vbd in record["VBDs"]:
            v = x.VBD.get_record(vbd)
            if v["type"] == "Disk" and v["VDI"] != "OpaqueRef:NULL":
                disks[v["userdevice"]] = x.SR.get_name_label(x.VDI.get_SR(v["VDI"]))
        return host, disks, record["power_state"]

    def stop(self):
        for session in self.sessions:
            try:
                session.xenapi.session.logout()
            except Exception:
                pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()
        self.proc.stderr.close()


class PtyRun:
    """ferry-cli on a pseudo-terminal, for the questions it asks there."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(CLI, [CLI, *args], env)
        self.output = b""

    def read_until(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} in {self.output!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"end of output before {text!r}: {self.output!r}")
                self.output += chunk

    def write(self, text):
        os.write(self.fd, text.encode())

    def finish(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                self.output += chunk
                if not chunk:
                    break
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), self.output.decode(errors="replace")


class Result:
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    @property
    def output(self):
        return self.stdout + self.stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return f"<exit {self.returncode}\nstdout: {self.stdout}\nstderr: {self.stderr}>"


class CliTestCase(unittest.TestCase):
    """Each test has its own HOME, XDG dirs and keyring."""

    maxDiff = None

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="ferry-cli-test-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("XDG_", "FERRY_PASSWORD", "SECRET_", "NO_COLOR"))}
        self.env.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "SECRET_BACKEND": "file",
            "SECRET_FILE_TEST_PATH": os.path.join(self.home, "keyring"),
            "SECRET_FILE_TEST_PASSWORD": "test",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
        })

    def config_file(self, name):
        return os.path.join(self.env["XDG_CONFIG_HOME"], "ferry", name)

    def read_config(self, name):
        try:
            with open(self.config_file(name), encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cli(self, *args, password=None, stdin=None, timeout=60, env=None):
        environment = dict(self.env)
        if password is not None:
            environment["FERRY_PASSWORD"] = password
        if env:
            environment.update(env)
        proc = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout,
                              env=environment, input=stdin,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
        return Result(proc)

    def assertExit(self, result, status):
        self.assertEqual(result.returncode, status, repr(result))

    def cli_json(self, *args, status=OK, **kwargs):
        result = self.cli("--json", *args, **kwargs)
        self.assertExit(result, status)
        try:
            return result.json()
        except json.JSONDecodeError as e:
            raise AssertionError(f"not JSON ({e}): {result!r}")

    def assertShape(self, value, shape):
        validate(value, ("shape", shape), SHAPES, shape)

    def assertError(self, result, code, status=ERROR):
        """An error: the status, a message on stderr, and the JSON error document."""
        self.assertExit(result, status)
        self.assertTrue(result.stderr.startswith("ferry-cli: "), repr(result))
        document = result.json()
        self.assertShape(document, "error-document")
        self.assertEqual(document["error"]["code"], code, repr(result))
        return document["error"]


def interrupt_after(proc, seconds):
    """Sends Ctrl-C (SIGINT) to @proc after @seconds; returns its output."""
    try:
        return proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        return proc.communicate(timeout=30)


# The JSON shapes of ferry-cli.1

def _split_alternatives(text):
    parts, depth, current = [], 0, ""
    for c in text:
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        if c == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += c
    parts.append(current.strip())
    return parts


def parse_type(text):
    alternatives = []
    for part in _split_alternatives(text):
        if part.startswith("[") and part.endswith("]"):
            alternatives.append(("list", parse_type(part[1:-1])))
        elif part.startswith('"') and part.endswith('"'):
            alternatives.append(("literal", part[1:-1]))
        elif part.isdigit():
            alternatives.append(("literal", int(part)))
        elif part in ("string", "int", "number", "bool", "null", "object"):
            alternatives.append((part,))
        else:
            alternatives.append(("shape", part))
    return ("any",) + tuple(alternatives) if len(alternatives) > 1 else alternatives[0]


def load_shapes(path=MANPAGE):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    block = text.split('.\\" shapes-begin', 1)[1].split('.\\" shapes-end', 1)[0]
    shapes, current, bases = {}, None, {}
    for line in block.splitlines():
        if not line.strip() or line.startswith("."):
            continue
        if line.startswith("shape "):
            words = line.split()
            current = words[1]
            if current in shapes:
                raise ValueError(f"shape {current} twice")
            shapes[current] = {}
            if len(words) == 4 and words[2] == "extends":
                bases[current] = words[3]
            elif len(words) != 2:
                raise ValueError("bad shape line: " + line)
        elif line.startswith("  ") and ":" in line and current:
            member, typ = line.strip().split(":", 1)
            shapes[current][member.strip()] = parse_type(typ.strip())
        else:
            raise ValueError("bad line in the shapes: " + line)
    for name, base in bases.items():
        shapes[name] = {**shapes[base], **shapes[name]}
    # Every shape named is defined.
    def names(t):
        if t[0] == "shape":
            yield t[1]
        elif t[0] in ("list",):
            yield from names(t[1])
        elif t[0] == "any":
            for a in t[1:]:
                yield from names(a)
    for shape in shapes.values():
        for t in shape.values():
            for n in names(t):
                if n not in shapes:
                    raise ValueError("undefined shape " + n)
    return shapes


def validate(value, typ, shapes, path):
    kind = typ[0]
    if kind == "any":
        errors = []
        for alternative in typ[1:]:
            try:
                validate(value, alternative, shapes, path)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{path}: {value!r:.200} matches none of the alternatives: " + "; ".join(errors))
    if kind == "null":
        assert value is None, f"{path}: {value!r:.80} is not null"
    elif kind == "string":
        assert isinstance(value, str), f"{path}: {value!r:.80} is not a string"
    elif kind == "int":
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: {value!r:.80} is not an int"
    elif kind == "number":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{path}: {value!r:.80} is not a number"
    elif kind == "object":
        assert isinstance(value, dict), f"{path}: {value!r:.80} is not an object"
    elif kind == "bool":
        assert isinstance(value, bool), f"{path}: {value!r:.80} is not a bool"
    elif kind == "literal":
        assert value == typ[1] and type(value) is type(typ[1]), f"{path}: {value!r:.80} is not {typ[1]!r}"
    elif kind == "list":
        assert isinstance(value, list), f"{path}: {value!r:.80} is not a list"
        for i, item in enumerate(value):
            validate(item, typ[1], shapes, f"{path}[{i}]")
    elif kind == "shape":
        shape = shapes[typ[1]]
        assert isinstance(value, dict), f"{path}: {value!r:.80} is not an object ({typ[1]})"
        missing = set(shape) - set(value)
        extra = set(value) - set(shape)
        assert not missing, f"{path} ({typ[1]}): missing {sorted(missing)}"
        assert not extra, f"{path} ({typ[1]}): undocumented {sorted(extra)}"
        for member, member_type in shape.items():
            validate(value[member], member_type, shapes, f"{path}.{member}")
    else:
        raise AssertionError("bad type " + repr(typ))


SHAPES = load_shapes()
