"""Repair stage: undo UTF-8 read as a Windows code page, including bytes the code page dropped.

Public surface: `repair_text`, `RepairResult`, `TextRepair`, `RepairConfig`, `repairs_frame`, plus
the helpers tests and the benchmark use (`mojibake`, `detect_mojibake`, `FTFY_SAFE_CONFIG`).
"""

from pipeline.encoding.codepages import MojibakeProfile, detect_mojibake, mojibake
from pipeline.encoding.config import FTFY_FALLBACK_CONFIG, FTFY_SAFE_CONFIG, LOW_CONFIDENCE_BELOW, RepairConfig
from pipeline.encoding.repair import RepairResult, TextRepair, repair_text, repairs_frame

__all__ = [
    "FTFY_SAFE_CONFIG",
    "LOW_CONFIDENCE_BELOW",
    "MojibakeProfile",
    "RepairConfig",
    "RepairResult",
    "TextRepair",
    "detect_mojibake",
    "mojibake",
    "repair_text",
    "repairs_frame",
]
