"""One progress line: graded/total, failures so far, and the time left."""
import sys
import time


class Progress:
    def __init__(self, total, stream=None, quiet=False):
        self.total, self.done, self.failures = total, 0, 0
        self.started = time.monotonic()
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def line(self):
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        eta = f"{left:4.0f} s left" if left == left else "  ? s left"
        return (f"[{'#' * filled}{'.' * (width - filled)}] graded {self.done}/{self.total}, "
                f"{self.failures} failure{'s' if self.failures != 1 else ''}, {eta}")

    def update(self, failed=False, label=""):
        self.done += 1
        self.failures += bool(failed)
        if self.quiet:
            return
        text = self.line() + (f"  {label}" if label and not self.tty else "")
        self.stream.write(("\r" + text + " " * 8) if self.tty else text + "\n")
        self.stream.flush()

    def close(self):
        if self.tty and not self.quiet:
            self.stream.write("\n")
