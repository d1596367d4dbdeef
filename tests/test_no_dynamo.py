"""Training on the CPU never imports torch._dynamo (core.optim_guards): torch.optim's methods
import it only to mark themselves as not to be compiled, and the import took 1.9-2.6 s of a
`vae-desktop train` process on 2 cores (2026-12-06). A fresh interpreter: in this one an
earlier test may have imported it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_training_and_resuming_on_the_cpu_leave_dynamo_unimported(tmp_path):
    out = tmp_path / "m.pt"
    script = textwrap.dedent(f"""
        import json, sys
        from vae_desktop import cli

        common = ["--quiet", "--epochs", "1", "--train-size", "300", "--test-size", "100",
                  "--device", "cpu", "--precision", "fp32"]
        first = cli.main(["train", *common, "--out", {str(out)!r}])
        after_first = "torch._dynamo" in sys.modules
        resumed = cli.main(["train", *common, "--resume", {str(out)!r}])
        print(json.dumps({{"codes": [first, resumed], "after_first": after_first,
                           "after_resume": "torch._dynamo" in sys.modules}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"codes": [0, 0], "after_first": False, "after_resume": False}
