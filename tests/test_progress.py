"""Long command-line work shows a progress bar on a terminal, and nothing extra when its output is captured."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

SCRIPT = str(Path(sys.executable).parent / "milestones-bot")
ROWS = 300


def plan_csv(folder: Path) -> Path:
    plan = folder / "big.csv"
    lines = ["ref,action,lead,timeline"] + [
        f"{n},Action number {n},Cluster lead,March 2022" for n in range(1, ROWS + 1)
    ]
    plan.write_text("\n".join(lines) + "\n")
    return plan


def run_with_stderr_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and a bar fitted to that is empty: give it a real size.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the program exits
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    return process.wait(timeout=120), seen.decode(errors="replace")


def test_import_and_export_draw_a_bar_on_a_terminal_only(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "LOG_LEVEL": "WARNING"}
    plan = plan_csv(tmp_path)
    assert (
        subprocess.run([SCRIPT, "init", "--demo"], env=env, cwd=tmp_path, capture_output=True, timeout=120).returncode
        == 0
    )
    status, terminal = run_with_stderr_on_a_terminal([SCRIPT, "import", str(plan), "--plan", "Big", "--key", "big"],
                                                     env, tmp_path)  # fmt: skip
    assert status == 0
    assert (
        f"/{ROWS} [" in terminal and " rows/s]" in terminal
    )  # e.g. "65%|██████▎   | 194/300 [00:00<00:00, 366 rows/s]"

    status, terminal = run_with_stderr_on_a_terminal([SCRIPT, "export", "actions", "--plan", "big", "--out",
                                                      str(tmp_path / "out.csv")], env, tmp_path)  # fmt: skip
    assert status == 0 and " rows/s]" in terminal

    captured = subprocess.run([SCRIPT, "export", "actions", "--plan", "big", "--out", str(tmp_path / "again.csv")],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert captured.returncode == 0 and captured.stderr == f"Wrote {tmp_path / 'again.csv'}.\n"
