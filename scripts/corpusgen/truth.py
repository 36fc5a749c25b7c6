"""The template's rows and columns, random numbers that obey every identity, and the checks.

Part three is a dict ``row id → [7 ints]`` in ``COLUMNS`` order (six applicant columns, then 总计).
Part four is a dict of three groups ``reconsideration``, ``litigation_direct``,
``litigation_after_reconsideration`` → {maintained, corrected, other, pending, total}.
"""

from __future__ import annotations

import random

COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org",
           "total")
COLUMN_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

WITHHELD = ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
            "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")
UNAVAILABLE = ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")
NOT_PROCESSED = ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                 "要求行政机关确认或重新出具已获取信息")
OTHER_2021 = ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他")


def outcome_rows(edition: int) -> tuple[str, ...]:
    """Row ids of 三、本年度办理结果 above （七）总计."""
    rows = ["granted", "partial"]
    rows += [f"withheld_{i}" for i in range(1, 9)]
    rows += [f"unavailable_{i}" for i in range(1, 4)]
    rows += [f"not_processed_{i}" for i in range(1, 6)]
    rows += ["other"] if edition == 2019 else [f"other_{i}" for i in range(1, 4)]
    return tuple(rows)


def part3_rows(edition: int) -> tuple[str, ...]:
    return ("new", "carried_over", *outcome_rows(edition), "handled_total", "carried_forward")


# Relative weights of the outcomes of an application (reality: most are granted or 不掌握).
_OUTCOME_WEIGHTS = {"granted": 50, "partial": 8, "withheld_1": 0.3, "withheld_2": 1, "withheld_3": 0.5,
                    "withheld_4": 2, "withheld_5": 2, "withheld_6": 2, "withheld_7": 1, "withheld_8": 2,
                    "unavailable_1": 20, "unavailable_2": 3, "unavailable_3": 2, "not_processed_1": 4,
                    "not_processed_2": 2, "not_processed_3": 0.5, "not_processed_4": 0.5,
                    "not_processed_5": 1, "other": 3, "other_1": 1.5, "other_2": 0.3, "other_3": 2}
_APPLICANT_WEIGHTS = (85, 7, 0.5, 1, 3.5, 3)
GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
OUTCOMES4 = ("maintained", "corrected", "other", "pending", "total")
_CASE_P = {"town": (0.05, 0.025, 0.01), "county_dept": (0.18, 0.1, 0.05), "county_gov": (0.3, 0.2, 0.1)}


def draw_total(rng: random.Random, kind: str) -> int:
    """Applications a body gets in a year: often none, mostly a few, a tail of many."""
    r = rng.random()
    if kind == "town":
        if r < 0.6:
            return 0
        return rng.choice((1, 1, 1, 2, 2, 3, 4, 5)) if r < 0.93 else rng.randint(6, 30)
    if kind == "county_dept":
        if r < 0.35:
            return 0
        return rng.randint(1, 10) if r < 0.75 else rng.randint(10, 60) if r < 0.96 else rng.randint(60, 400)
    if r < 0.1:
        return 0
    return rng.randint(1, 20) if r < 0.5 else rng.randint(20, 150) if r < 0.92 else rng.randint(150, 800)


def _spread(rng: random.Random, n: int, keys, weights) -> dict:
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights, k=n):
        out[k] += 1
    return out


def make_part3(rng: random.Random, kind: str, edition: int) -> dict:
    """Per applicant column: new + carried_over = handled + carried_forward, outcomes sum to handled."""
    outcomes = outcome_rows(edition)
    weights = [_OUTCOME_WEIGHTS[o] for o in outcomes]
    new_total = draw_total(rng, kind)
    carried_total = 0
    if rng.random() < (0.12 if new_total else 0.03):
        carried_total = rng.randint(1, max(1, new_total // 4))
    cols = range(6)
    new = _spread(rng, new_total, cols, _APPLICANT_WEIGHTS)
    carried = _spread(rng, carried_total, cols, _APPLICANT_WEIGHTS)
    rows = {r: [0] * 7 for r in part3_rows(edition)}
    forward_p = 0.15 if new_total + carried_total else 0.0
    for c in cols:
        avail = new[c] + carried[c]
        forward = rng.randint(0, min(avail, 1 + avail // 5)) if avail and rng.random() < forward_p else 0
        handled = avail - forward
        rows["new"][c], rows["carried_over"][c] = new[c], carried[c]
        rows["carried_forward"][c], rows["handled_total"][c] = forward, handled
        for o, v in _spread(rng, handled, outcomes, weights).items():
            rows[o][c] = v
    for values in rows.values():
        values[6] = sum(values[:6])
    return rows


def make_part4(rng: random.Random, kind: str, has_applications: bool) -> dict:
    out = {}
    for group, p in zip(GROUPS, _CASE_P[kind], strict=True):
        p = p if has_applications else p / 3
        n = 0
        if rng.random() < p:
            n = 1 + int(rng.expovariate(0.8)) if kind == "town" else 1 + int(rng.expovariate(0.25))
        counts = _spread(rng, n, OUTCOMES4[:4], (55, 10, 15, 20))
        counts["total"] = n
        out[group] = counts
    return out


def _amount(rng: random.Random, scale: float) -> float:
    return 0.0 if rng.random() < 0.5 else round(rng.uniform(0.5, scale), rng.choice((2, 4)))


def make_part2(rng: random.Random, kind: str, edition: int) -> dict:
    """Part two: item → row → column → number (amounts in 万元 as floats)."""
    big = {"town": 1, "county_dept": 5, "county_gov": 20}[kind]

    def small(k: int) -> int:
        return 0 if rng.random() < 0.55 else rng.randint(0, k * big)

    if edition == 2019:
        def doc_row(made_max: int) -> dict:
            made = small(made_max)
            return {"本年新制作数量": made, "本年新公开数量": min(made, small(made_max) + made // 2),
                    "对外公开总数量": made + small(10 * made_max)}

        def item_row() -> dict:
            return {"上一年项目数量": small(6), "本年增/减": rng.choice((0, 0, 0, 1, -1, 2, -2, 5)),
                    "处理决定数量": small(20)}

        return {
            "第二十条第（一）项": {"规章": doc_row(0), "规范性文件": doc_row(3)},
            "第二十条第（五）项": {"行政许可": item_row(), "其他对外管理服务事项": item_row()},
            "第二十条第（六）项": {"行政处罚": item_row(), "行政强制": item_row()},
            "第二十条第（八）项": {"行政事业性收费": {"上一年项目数量": small(5),
                                                  "本年增/减": rng.choice((0, 0, 0, 1, -1))}},
            "第二十条第（九）项": {"政府集中采购": {"采购项目数量": small(8),
                                                "采购总金额": _amount(rng, 300.0 * big)}},
        }

    def doc_row21(made_max: int) -> dict:
        made = small(made_max)
        return {"本年制发件数": made, "本年废止件数": small(made_max),
                "现行有效件数": made + small(10 * made_max)}

    return {
        "第二十条第（一）项": {"规章": doc_row21(0), "行政规范性文件": doc_row21(3)},
        "第二十条第（五）项": {"行政许可": {"本年处理决定数量": small(40)}},
        "第二十条第（六）项": {"行政处罚": {"本年处理决定数量": small(12)},
                               "行政强制": {"本年处理决定数量": small(3)}},
        "第二十条第（八）项": {"行政事业性收费": {"本年收费金额（单位：万元）": _amount(rng, 50.0 * big)}},
    }


# ---------------------------------------------------------------- identities

def identity_errors(part3: dict, part4: dict, edition: int) -> list[str]:
    """Every identity of REPORT_FORMAT.md; an empty list means the tables are sound."""
    errors = []
    for row, values in part3.items():
        if len(values) != 7 or values[6] != sum(values[:6]):
            errors.append(f"row {row}: 总计 != sum of applicants")
    outcomes = outcome_rows(edition)
    for c in range(7):
        handled = part3["handled_total"][c]
        if part3["new"][c] + part3["carried_over"][c] != handled + part3["carried_forward"][c]:
            errors.append(f"column {COLUMNS[c]}: 一+二 != 三（七）+四")
        if sum(part3[o][c] for o in outcomes) != handled:
            errors.append(f"column {COLUMNS[c]}: （七） != sum of outcomes")
    for group in GROUPS:
        g = part4[group]
        if g["total"] != g["maintained"] + g["corrected"] + g["other"] + g["pending"]:
            errors.append(f"{group}: 总计 != sum of four")
    return errors


# ------------------------------------------------------ run-together digit strings

def _number_prefixes(s: str, start: int, max_len: int = 6):
    """Numbers a digit string can start with at ``start``: no leading zeros except '0' itself."""
    if start >= len(s):
        return
    if s[start] == "0":
        yield 0, start + 1
        return
    for end in range(start + 1, min(len(s), start + max_len) + 1):
        yield int(s[start:end]), end


def row_splits(digits: str, limit: int = 2) -> list[list[int]]:
    """Splits of a run-together part-three row into 6 applicant cells + 总计 where 总计 = their sum."""
    found: list[list[int]] = []

    def walk(pos: int, parts: list[int]) -> None:
        if len(found) >= limit:
            return
        if len(parts) == 6:
            rest = digits[pos:]
            total = sum(parts)
            if rest and rest == str(total):
                found.append([*parts, total])
            return
        # Every remaining cell takes at least one digit, and the total at least as many as the sum has.
        for value, end in _number_prefixes(digits, pos):
            if len(digits) - end < 6 - len(parts):
                break
            walk(end, [*parts, value])

    walk(0, [])
    return found


def part4_splits(digits: str, limit: int = 2) -> list[list[int]]:
    """Splits of the 15 run-together part-four cells: three groups of four + 总计 = their sum."""
    found: list[list[int]] = []

    def walk(pos: int, parts: list[int]) -> None:
        if len(found) >= limit:
            return
        if len(parts) == 15:
            if pos == len(digits):
                found.append(parts)
            return
        if len(parts) % 5 == 4:
            total = str(sum(parts[-4:]))
            if digits.startswith(total, pos):
                walk(pos + len(total), [*parts, int(total)])
            return
        for value, end in _number_prefixes(digits, pos):
            if len(digits) - end < 15 - len(parts) - 1:
                break
            walk(end, [*parts, value])

    walk(0, [])
    return found


def part4_cells(part4: dict) -> list[int]:
    return [part4[g][o] for g in GROUPS for o in OUTCOMES4]


def runs_split_uniquely(part3: dict, part4: dict) -> bool:
    """True when every run-together row (and the part-four row) has exactly one identity-true split."""
    for values in part3.values():
        digits = "".join(map(str, values))
        if len(row_splits(digits)) != 1:
            return False
    return len(part4_splits("".join(map(str, part4_cells(part4))))) == 1
