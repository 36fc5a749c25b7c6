"""A small corpus whose corpus facts are known: the same bodies over several years (prose reports
stating 上年结转 and 结转下年度继续办理), and planted copies of a body's own earlier text and of another
body's text. Shared by tests/engine/test_corpusfacts.py and tests/web/test_corpus_pages.py."""

from __future__ import annotations

import random
from pathlib import Path

_WHO = ("我们", "本单位", "工作组", "镇政府", "各村")
_DID = ("围绕", "聚焦", "紧扣", "着眼", "针对")
_WHAT = ("农田水利", "集体资产", "惠民补贴", "环境整治", "危房改造", "养老服务", "道路养护", "防汛抗旱",
         "义务教育", "医疗救助", "就业帮扶", "垃圾分类", "河道保洁", "产业扶持", "土地流转", "殡葬改革")
_WELL = ("及时", "准确", "完整", "规范")
_HOW = ("逐项建立台账并按月公开进展", "设立公开栏张贴办理结果", "通过微信群推送办事指南",
        "组织村务监督委员会现场核对", "把群众意见汇总后逐条回复", "邀请人大代表参与评议")


def paragraph(seed: int, sentences: int = 14) -> str:
    """Sentences no other paragraph of another seed shares (each names its own pair of subjects)."""
    rng = random.Random(seed)
    out = []
    subjects = rng.sample(_WHAT, len(_WHAT))
    for i in range(sentences):
        a, b = subjects[i % len(subjects)], subjects[(i * 7 + 3) % len(subjects)]
        out.append(f"{rng.choice(_WHO)}{rng.choice(_DID)}{a}和{b}两项任务，{rng.choice(_HOW)}，"
                   f"做到{rng.choice(_WHAT)}信息{rng.choice(_WELL)}发布{seed}-{i}号。")
    return "".join(out)


def report(town: str, year: int, carried_over: int | None, carried_forward: int | None, text: str) -> str:
    """A prose report of 某县 ``town`` for ``year``; a number given as None is not stated."""
    numbers = "本年度共收到政府信息公开申请5件"
    if carried_over is not None:
        numbers += f"，上年结转{carried_over}件"
    numbers += "，办结4件"
    if carried_forward is not None:
        numbers += f"，结转下年度继续办理{carried_forward}件"
    return (f"某某县{town}人民政府{year}年政府信息公开工作年度报告\n\n"
            f"现公布{town}人民政府{year}年度政府信息公开工作年度报告。\n\n{numbers}。\n\n{text}\n\n"
            f"某某县{town}人民政府\n{year + 1}年3月1日\n")


# file → (town, year, carried_over, carried_forward, paragraph seed)
REPORTS: dict[str, tuple[str, int, int | None, int | None, int]] = {
    "a2016.txt": ("东甲镇", 2016, 0, 2, 1),
    "a2017.txt": ("东甲镇", 2017, 2, 3, 1),  # 上年结转 2 = 2016's 2; its text repeats 2016's
    "a2018.txt": ("东甲镇", 2018, 1, 0, 3),  # 1 ≠ 2017's 3
    "b2017.txt": ("西乙镇", 2017, 1, 0, 2),  # no 2016 report: unknown; text copied from 南丙镇 2016
    "c2016.txt": ("南丙镇", 2016, 0, None, 2),  # 结转下年度 not stated
    "c2017.txt": ("南丙镇", 2017, 1, 0, 4),  # its 2016 report states no carried_forward: unknown
}


def write_corpus(folder: Path, only: set[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (town, year, co, cf, seed) in REPORTS.items():
        if only is None or name in only:
            (folder / name).write_text(report(town, year, co, cf, paragraph(seed)), encoding="utf-8")
    return folder
