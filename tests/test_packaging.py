"""What a wheel ships: the chat looks the same however the project is installed."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_the_chat_stylesheet_and_the_reader(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "rag/ui/chat.css" in names
    assert zipfile.ZipFile(wheel).read("rag/ui/chat.css").decode() == (ROOT / "ui" / "chat.css").read_text()
    assert {"rag/reader/span-reader.safetensors", "rag/reader/calibration.json", "rag/reader/neural-calibration.json",
            "rag/reader/combined-calibration.json"} <= names
