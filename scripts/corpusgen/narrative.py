"""Phrase banks and the prose of a report: title, intro, the six parts, the signature.

``build_document`` returns a list of blocks that the renderers format per layout:
``("title", text)``, ``("h1", text)``, ``("h2", text)``, ``("p", text)``, ``("table", Table)``,
``("sign", [lines])``. Every number stated in prose agrees with the ground truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .places import Place
from .tablemodel import part2_table, part3_table, part4_table

NUMERALS = "一二三四五六七八九十"
EDITION_DOC = {2019: "国办公开办函〔2019〕60号", 2021: "国办公开办函〔2021〕30号"}


@dataclass
class Ctx:
    rng: random.Random
    place: Place
    year: int
    edition: int | None
    body: str  # gold body: the name the report gives itself
    short: str  # a shorter self-name (刘楼镇, 汶上县教育局)
    me: str  # 我镇, 我局…
    truth: dict
    source_url: str | None
    url_in_text: bool
    published: str | None  # ISO date
    sign_date: str | None  # the date as printed
    mentions: list = field(default_factory=list)  # context sentences that must appear
    bare_headings: bool = False  # part headings without their numerals
    pre_apps: int = 0  # pre-2019: applications of the year (only what the prose states reaches the gold)
    pre_cases: tuple = (0, 0)  # pre-2019: (reconsiderations, lawsuits)
    # Variants of real reports (drawn from their own rng so the main stream is unchanged):
    variant: random.Random = field(default_factory=lambda: random.Random(0))
    split_title: bool = False  # the title wrapped over two lines ("…政府信息公开工作" / "年度报告")
    header_body: bool = False  # the page header names the body ("发布机构：X镇人民政府")
    title_label: bool = False  # the saved page's field label stays before the title ("标题：")
    portal: bool = False  # the prose also names the portal's home page
    stat_lines: bool = False  # pre-2019: the figures also stand in plain statistics lines


def pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))]


# ------------------------------------------------------------------ phrase banks

def channels(year: int) -> list[str]:
    out = ["政府门户网站", "政府信息公开专栏", "政务公开栏", "便民服务中心公开栏", "电子显示屏", "广播",
           "新闻发布会", "政府信息查阅点", "宣传册"]
    if year >= 2011:
        out.append("政务微博")
    if year >= 2013:
        out += ["微信公众号", "微信公众号", "微信工作群"]
    if year >= 2016:
        out += ["政务新媒体", "政务新媒体", "12345政务服务便民热线"]
    if year >= 2018:
        out += ["抖音政务号", "政务服务网"]
    if year <= 2015:
        out += ["手机短信平台", "村务公开栏"]
    return out


def topics(year: int) -> list[str]:
    out = ["财政预决算", "安全生产", "环境保护", "社会救助", "就业创业", "教育", "医疗卫生", "食品安全",
           "征地拆迁", "惠农补贴", "养老服务", "防汛抗旱", "森林防火", "城乡低保", "重大建设项目",
           "公共资源配置", "“三公”经费", "民生实事", "农村危房改造", "秸秆禁烧"]
    ranges = (("扫黑除恶专项斗争", 2018, 2021), ("脱贫攻坚", 2016, 2020), ("精准扶贫", 2014, 2020),
              ("乡村振兴", 2018, 2025), ("疫情防控", 2020, 2022), ("优化营商环境", 2018, 2025),
              ("农村人居环境整治", 2018, 2025), ("河长制", 2017, 2025), ("“双减”", 2021, 2025),
              ("退役军人服务", 2019, 2025), ("棚户区改造", 2013, 2020), ("垃圾分类", 2019, 2025),
              ("新型农村合作医疗", 2008, 2016), ("城乡居民医保", 2017, 2025), ("“放管服”改革", 2015, 2025),
              ("“双随机、一公开”监管", 2015, 2025), ("社会信用体系建设", 2014, 2025),
              ("新农村建设", 2008, 2015), ("“一网通办”", 2019, 2025), ("耕地保护", 2008, 2025),
              ("医疗保障", 2019, 2025), ("文明城市创建", 2015, 2025), ("“互联网+政务服务”", 2016, 2025))
    out += [name for name, y0, y1 in ranges if y0 <= year <= y1]
    return out


LEAD_PHRASES = ("在{up}委、{up}政府的正确领导下", "在上级政府信息公开主管部门的指导下",
                "在{up}政务公开办公室的精心指导下", "在{up}委、{up}政府的坚强领导下")
PRINCIPLES = ("“以公开为常态、不公开为例外”", "“公开、公正、便民”", "“规范、明了、方便、实用”",
              "“谁制作谁公开、谁保存谁公开”", "“决策公开、执行公开、管理公开、服务公开、结果公开”")

SUB_PROACTIVE = ("主动公开情况", "主动公开政府信息情况", "夯实主动公开，丰富解读形式", "主动公开工作",
                 "推进重点领域信息公开")
SUB_REQUEST = ("依申请公开情况", "依申请公开办理情况", "注重依申请公开，规范办理流程",
               "政府信息公开申请的办理情况")
SUB_MANAGE = ("政府信息管理情况", "政府信息资源的规范化、标准化管理情况", "加强政府信息管理，提升政府公信力")
SUB_PLATFORM = ("政府信息公开平台建设情况", "平台建设情况", "抓好平台建设", "系统平台建设，优化一步到位")
SUB_SUPERVISE = ("监督保障情况", "政府信息公开监督保障及教育培训情况", "强化监督保障，筑牢工作基础",
                 "政府信息公开保密审查及监督检查情况")
SUB_INTERPRET = ("政策解读与回应关切情况", "加强政策解读，回应社会关切", "政策解读情况")

MANAGE_SENTENCES = (
    "严格落实“谁公开、谁审核、谁负责”规定，实行信息发布三级审核程序，确保发布及时、准确、安全。",
    "全面梳理{me}政府信息公开目录，对应公开但尚未公开的信息进行完善补充，做到应公开尽公开。",
    "建立健全政府信息主动公开、依申请公开、保密审查、发布协调等工作制度，推进政府信息管理规范化。",
    "对照上级下发的政府信息公开目录责任分工一览表，逐项查找公开内容和责任清单。",
    "安排专人负责信息的收集、整理、审核和发布工作，做到工作动态随时公开、政策文件及时公开、总结计划定期公开。",
    "加强政府信息公开档案管理，对公开的政府信息及时归档，做到有据可查。",
)
PLATFORM_SENTENCES = (
    "{me}充分利用{ch1}、{ch2}和{ch3}等多种形式，及时发布各类政府信息，方便群众查阅。",
    "充分发挥{ch1}政务公开第一平台的作用，设立专人负责更新维护及审核，保障信息的时效性、准确性和权威性。",
    "通过{ch1}及时对重要政策及工作成效进行深入解读，全年共刊发稿件{k}篇。",
    "在便民服务大厅设置政府信息查阅点，配备电脑和查阅资料，方便群众就近查阅政府信息。",
    "加强对{ch1}的管理，做到每周至少更新一次，杜绝“僵尸”账号现象。",
    "在各村（社区）设立政务公开栏，定期公布{topic}等群众关心的事项，并做好日常维护。",
)
SUPERVISE_SENTENCES = (
    "严格执行政府信息公开前保密审查制度，确保“上网信息不涉密，涉密信息不上网”。",
    "将政务公开工作纳入年度绩效考核，采取电话督办、现场督查、年底考评等形式强化过程管理。",
    "组织工作人员参加政务公开业务培训{k}次，进一步提升业务能力。",
    "主动接受社会监督，设立意见箱和监督电话，及时回应群众反映的问题。",
    "对照第三方评估反馈的问题，举一反三、全面整改。",
)
INTERPRET_SENTENCES = (
    "坚持政策性文件与解读材料同步起草、同步审签、同步发布，全年发布政策解读{k}篇。",
    "围绕{topic}等社会关注热点，综合运用图文、视频等形式进行解读，及时回应群众关切。",
    "通过{ch1}等方式及时受理群众反映的问题，全年回应群众关切{k}件，回复率达到100%。",
)
PROBLEMS = ("政府信息公开意识有待加强", "信息公开的全面性、及时性有待提升", "工作人员业务能力有待提高",
            "公开内容不够丰富，形式比较单一", "政策解读的质量和形式有待改进", "信息发布的规范性有待加强",
            "依申请公开办理流程还需进一步规范", "主动公开目录更新不够及时", "政务新媒体的作用发挥还不充分")
IMPROVEMENTS = (
    "加大培训力度，定期组织开展政务公开专题培训，切实提升工作人员的业务水平",
    "完善政府信息公开工作制度和机制，继续推进信息管理、审查、公开的规范化",
    "进一步充实信息公开内容，突出重点、热点和难点问题，把群众最关心的事项作为公开的主要内容",
    "拓宽公开渠道，主动运用{ch1}等平台，开展形式灵活的政务公开工作",
    "加强监督考核，将政务公开工作纳入年度考核体系，确保各项工作落到实处",
    "加强政策解读，提高解读材料的针对性和可读性，及时回应社会关切",
    "强化公开意识，形成“主要领导亲自抓、分管领导具体抓、专门科室抓落实”的工作体系",
)
OTHER_MATTERS = ("无其他需要报告的事项。", "无。", "无其他需要说明的事项。",
                 "{year}年度，{short}未收取政府信息公开信息处理费。",
                 "本年度{me}未承办人大代表建议和政协提案。",
                 "{year}年，{me}共办理人大代表建议{k}件、政协委员提案{k2}件，已全部办结并按要求公开。")


def fill(ctx: Ctx, template: str) -> str:
    rng = ctx.rng
    ch1, ch2, ch3 = rng.sample(channels(ctx.year), 3)
    return template.format(
        me=ctx.me, short=ctx.short, year=ctx.year, up=upper_short(ctx.place),
        ch1=ch1, ch2=ch2, ch3=ch3, topic=pick(rng, topics(ctx.year)),
        k=rng.randint(1, 60), k2=rng.randint(0, 9),
    )


def upper_short(place: Place) -> str:
    """What a body calls the level above it: 县/区/市 for towns, 市 for county bodies."""
    if place.kind == "town":
        return {"县": "县", "区": "区", "市": "市", "旗": "旗"}.get(place.county[-1], "县")
    return "市" if place.city else "省"


def self_names(place: Place, rng: random.Random) -> tuple[str, str]:
    """(short self-name, 'we') for a body."""
    if place.kind == "town":
        unit = "街道" if place.town.endswith("街道") else place.town[-1]
        return pick(rng, (place.town, place.town + "政府" if unit != "街道" else place.town)), "我" + unit
    if place.kind == "county_gov":
        return place.county + "政府", "我" + place.county[-1]
    dept = place.dept
    we = "我办" if dept.endswith("办公室") else "我委" if dept.endswith("委员会") else "我局"
    return place.county[-1] + dept, we


# ----------------------------------------------------------------------- titles

def title(ctx: Ctx) -> str:
    rng, y = ctx.rng, ctx.year
    sp = pick(rng, ("", "", " "))
    ysp = pick(rng, (f"{y}年", f"{y}年", f"{y} 年", f"{y}年度"))
    name = ctx.body if rng.random() < 0.7 else ctx.short
    forms = (f"{name}{sp}{ysp}政府信息公开工作年度报告", f"{name}{sp}{ysp}政府信息公开工作年度报告",
             f"{y}年{name}政府信息公开工作年度报告", f"{name}关于{y}年度政府信息公开工作的年度报告",
             f"{name}{sp}{ysp}信息公开工作年度报告")
    return pick(rng, forms)


def intro(ctx: Ctx, need_body: bool) -> list[str]:
    rng, y = ctx.rng, ctx.year
    period = "" if ctx.split_title else f"本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
    parts = ("总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，政府信息公开行政复议、"
             "行政诉讼情况，存在的主要问题及改进情况和其他需要报告的事项六个部分")
    if ctx.edition is None:
        parts = ("概述，主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，"
                 "因政府信息公开申请提起行政复议、行政诉讼的情况，存在的主要问题及改进措施，其他需要报告的事项")
    law = "《中华人民共和国政府信息公开条例》（以下简称《条例》）"
    fmt = ""
    if ctx.edition:
        fmt = f"和《中华人民共和国政府信息公开工作年度报告格式》（{EDITION_DOC[ctx.edition]}）"
    forms = [
        f"根据{law}{fmt}要求，现将{y}年{ctx.short}政府信息公开年度报告向社会公布。{period}",
        f"本报告根据{law}{fmt}的有关要求，由{ctx.body}编制。全文包括{parts}。{period}",
        f"本报告由{ctx.body}按照{law}{fmt}要求编制。本报告内容包括{parts}。{period}",
    ]
    out = [pick(rng, forms[1:] if need_body else forms)]
    if ctx.url_in_text:
        site = pick(rng, (f"{ctx.body}门户网站", f"{ctx.place.county_ref}人民政府门户网站",
                          "中国·" + ctx.place.county_ref))
        out.append(pick(rng, (
            f"本报告在“{site}”（{ctx.source_url}）上全文公开，如对报告有任何疑问，请与{ctx.body}联系"
            f"（电话：{rng.randint(2000000, 8999999)}）。",
            f"本报告电子版可在“{site}”（{ctx.source_url}）查阅或下载。",
        )))
    if ctx.portal:
        home = ctx.source_url.split("/")[2]
        out.append(f"{ctx.me}依托{ctx.place.county_ref}人民政府门户网站（http://{home}/）发布政府信息公开年度报告"
                   "和各类政务信息。")
    return out


# ------------------------------------------------------------------- part texts

def apps_sentence(ctx: Ctx) -> str:
    p3 = ctx.truth["part3"]
    new, co = p3["new"][6], p3["carried_over"][6]
    handled, fwd = p3["handled_total"][6], p3["carried_forward"][6]
    if new == 0 and co == 0:
        return pick(ctx.rng, (f"{ctx.year}年度{ctx.me}未收到政府信息公开申请。",
                              f"{ctx.year}年{ctx.body}未收到依申请公开。",
                              "本年度未收到公民、法人或其他组织提出的政府信息公开申请。"))
    s = f"{ctx.year}年，{ctx.me}共收到政府信息公开申请{new}件"
    if co:
        s += f"，上年结转{co}件"
    s += f"，已办结{handled}件" if fwd else "，均已按时答复"
    if fwd:
        s += f"，结转下年度继续办理{fwd}件"
    return s + "。"


def cases_sentence(ctx: Ctx) -> str:
    p4 = ctx.truth["part4"]
    r = p4["reconsideration"]["total"]
    lit = p4["litigation_direct"]["total"] + p4["litigation_after_reconsideration"]["total"]
    if r == 0 and lit == 0:
        return pick(ctx.rng, ("本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
                              f"{ctx.year}年度没有发生有关政府信息公开事项的行政复议案、行政诉讼案。"))
    return f"本年度因政府信息公开引起行政复议{r}件、行政诉讼{lit}件。"


def proactive_sentence(ctx: Ctx) -> str | None:
    total = ctx.truth.get("proactive_total")
    if total is None:
        return None
    rng = ctx.rng
    s = pick(rng, (f"{ctx.year}年{ctx.short}主动公开政府信息共{total}条",
                   f"全年通过{pick(rng, channels(ctx.year))}主动公开政府信息{total}条",
                   f"{ctx.year}年，{ctx.me}累计主动公开政府信息{total}条"))
    if total >= 6 and rng.random() < 0.5:
        cats = rng.sample(("机构职能", "政策文件", "工作动态", "公告公示", "规划计划", "财政预决算",
                           "人事信息", "应急管理", "政策解读", "重点领域信息"), 3)
        a = rng.randint(1, total // 3)
        b = rng.randint(1, total // 3)
        s += f"，其中{cats[0]}{a}条，{cats[1]}{b}条，{cats[2]}{total - a - b}条"
    return s + "。"


def sub_heading(ctx: Ctx, i: int, options: tuple) -> tuple:
    text = pick(ctx.rng, options)
    return ("h2", f"（{NUMERALS[i]}）{text}" if ctx.rng.random() < 0.9 else text)


def part_one(ctx: Ctx) -> list:
    rng = ctx.rng
    blocks: list = []
    if rng.random() < 0.1:
        blocks.append(("p", ctx.body + f"{ctx.year}年政府信息公开工作年度报告"))
    lead = fill(ctx, pick(rng, LEAD_PHRASES))
    principle = pick(rng, PRINCIPLES)
    focus = "、".join(rng.sample(topics(ctx.year), 2))
    blocks.append(("p", f"{ctx.year}年，{lead}，{ctx.me}高度重视政府信息公开工作，认真贯彻落实"
                        f"《中华人民共和国政府信息公开条例》，坚持{principle}的原则，围绕{focus}等重点工作，"
                        "不断提高政府信息公开实效。"))
    blocks += [("p", m) for m in ctx.mentions]
    sections = [("proactive", SUB_PROACTIVE), ("request", SUB_REQUEST), ("manage", SUB_MANAGE),
                ("platform", SUB_PLATFORM), ("supervise", SUB_SUPERVISE), ("interpret", SUB_INTERPRET)]
    keep = [s for s in sections if s[0] in ("proactive", "request") or rng.random() < 0.6]
    bank = {"manage": MANAGE_SENTENCES, "platform": PLATFORM_SENTENCES, "supervise": SUPERVISE_SENTENCES,
            "interpret": INTERPRET_SENTENCES}
    for i, (key, heads) in enumerate(keep):
        blocks.append(sub_heading(ctx, i, heads))
        if key == "proactive":
            text = proactive_sentence(ctx) or fill(ctx, PLATFORM_SENTENCES[0])
            first, second = ctx.rng.sample(topics(ctx.year), 2)
            text += f"围绕{first}、{second}等重点领域，及时公开相关信息。"
        elif key == "request":
            text = apps_sentence(ctx) + fill(ctx, pick(rng, MANAGE_SENTENCES[:2]))
        else:
            chosen = rng.sample(bank[key], rng.randint(1, min(3, len(bank[key]))))
            text = "".join(fill(ctx, s) for s in chosen)
        blocks.append(("p", text))
    return blocks


def part_five(ctx: Ctx) -> list:
    rng = ctx.rng
    probs = rng.sample(PROBLEMS, 3)
    imps = rng.sample(IMPROVEMENTS, 3)
    problems = (f"{ctx.year}年，{ctx.me}政府信息公开工作取得了一定成绩，但仍存在一些问题：一是{probs[0]}；"
                f"二是{probs[1]}；三是{probs[2]}。")
    blocks: list = []
    if rng.random() < 0.5:
        blocks += [("h2", "（一）存在的主要问题"), ("p", problems), ("h2", "（二）改进措施")]
        blocks += [("p", fill(ctx, f"{NUMERALS[i]}是{imp}。")) for i, imp in enumerate(imps)]
    else:
        steps = "".join(fill(ctx, f"{NUMERALS[i]}是{imp}；") for i, imp in enumerate(imps))
        blocks.append(("p", problems + "下一步，" + ctx.me + "将从以下几个方面改进：" + steps[:-1] + "。"))
    return blocks


def part_six(ctx: Ctx) -> list:
    text = fill(ctx, pick(ctx.rng, OTHER_MATTERS))
    return [("p", text)]


PART_NAMES = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
              "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
PRE2019_PARTS = ("概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                 "因政府信息公开申请提起行政复议、行政诉讼的情况", "政府信息公开工作存在的主要问题及改进措施",
                 "其他需要报告的事项")


def part_heading(ctx: Ctx, i: int, names: tuple = PART_NAMES) -> tuple:
    name = names[i]
    if i == 4 and names is PART_NAMES and ctx.rng.random() < 0.3:
        name = "存在的主要问题及改进措施"
    return ("h1", name if ctx.bare_headings else f"{NUMERALS[i]}、{name}")


def signature(ctx: Ctx) -> list:
    if not ctx.sign_date:
        return []
    return [("sign", [ctx.body, ctx.sign_date])]


def build_document(ctx: Ctx) -> list:
    """A report with tables (2019 or 2021 edition)."""
    rng, truth = ctx.rng, ctx.truth
    head = title(ctx)
    blocks: list = [("title", head, ctx.split_title)]
    need_body = ctx.body not in head and not ctx.sign_date and not ctx.header_body
    blocks += [("p", t) for t in intro(ctx, need_body=need_body)]
    blocks.append(part_heading(ctx, 0))
    blocks += part_one(ctx)
    blocks.append(part_heading(ctx, 1))
    if rng.random() < 0.3:
        blocks.append(("p", fill(ctx, "{year}年，{me}通过{ch1}、{ch2}等渠道主动公开政府信息，"
                                      "具体情况如下：")))
    blocks.append(("table", part2_table(truth["part2"])))
    blocks.append(part_heading(ctx, 2))
    if rng.random() < 0.3:
        blocks.append(("p", apps_sentence(ctx)))
    dot = pick(rng, ("．", ".", ". ", "、"))
    blocks.append(("table", part3_table(truth["part3"], ctx.edition, dot)))
    blocks.append(part_heading(ctx, 3))
    if rng.random() < 0.3:
        blocks.append(("p", cases_sentence(ctx)))
    blocks.append(("table", part4_table(truth["part4"])))
    blocks.append(part_heading(ctx, 4))
    blocks += part_five(ctx)
    blocks.append(part_heading(ctx, 5))
    blocks += part_six(ctx)
    blocks += signature(ctx)
    return blocks


# ------------------------------------------------------------------- pre-2019

def prose_apps(ctx: Ctx, facts: dict) -> str:
    """State the year's applications in words; record in ``facts`` exactly what is stated."""
    rng = ctx.rng
    n = ctx.pre_apps
    if n == 0:
        facts["new"] = 0
        return pick(rng, (f"{ctx.year}年度，{ctx.me}未收到政府信息公开申请。",
                          "本年度未收到公民、法人或其他组织提出的政府信息公开申请。",
                          f"{ctx.year}年，{ctx.me}共受理政府信息公开申请0件。"))
    style = rng.randrange(4)
    facts["new"] = n
    if style == 0:
        facts["handled_total"] = n
        piece = ctx.variant.choice(("件", "件", "条"))
        verb = ctx.variant.choice(("共受理政府信息公开申请", "共收到政府信息公开申请",
                                   "收到公民、法人和其他组织提出的政府信息公开申请"))
        return f"{ctx.year}年，{ctx.me}{verb}{n}{piece}，均已按时答复。"
    if style == 1:
        g = rng.randint(0, n)
        p = rng.randint(0, n - g)
        facts["granted"], facts["handled_total"] = g, n
        return (f"全年共受理政府信息公开申请{n}件，其中同意公开{g}件，同意部分公开{p}件，"
                f"信息不存在或非本机关掌握{n - g - p}件，已全部按时答复。")
    if style == 2:
        facts["granted"], facts["handled_total"] = n, n
        return f"{ctx.year}年，{ctx.me}收到政府信息公开申请{n}件，全部予以公开。"
    h = rng.randint(0, n - 1)
    facts["handled_total"], facts["carried_forward"] = h, n - h
    return f"本年度共受理政府信息公开申请{n}件，已办结{h}件，{n - h}件正在办理中。"


def prose_cases(ctx: Ctx, facts: dict) -> str | None:
    """State reconsideration and litigation in words (or not at all); record what is stated."""
    rng = ctx.rng
    r, lit = ctx.pre_cases
    style = rng.random()
    if style < 0.12:
        return None
    if r == 0 and lit == 0:
        facts["reconsideration"] = dict.fromkeys(("maintained", "corrected", "other", "pending", "total"), 0)
        facts["litigation_direct"] = dict(facts["reconsideration"])
        facts["litigation_after_reconsideration"] = dict(facts["reconsideration"])
        facts["litigation_total"] = 0
        return pick(rng, ("本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
                          f"{ctx.year}年，{ctx.me}未发生针对政府信息公开事务的行政复议和行政诉讼。",
                          "全年没有因政府信息公开申请提起行政复议、行政诉讼的情况。"))
    facts["litigation_total"] = lit
    if r and style < 0.5:
        m = rng.randint(0, r)
        facts["reconsideration"] = {"maintained": m, "corrected": r - m, "other": 0, "pending": 0, "total": r}
        return f"因政府信息公开申请引起行政复议{r}件，其中维持{m}件，纠正{r - m}件；行政诉讼{lit}件。"
    facts["reconsideration"] = {"total": r}
    if r == 0:
        facts["reconsideration"] = dict.fromkeys(("maintained", "corrected", "other", "pending", "total"), 0)
    return f"因政府信息公开申请提起行政复议{r}件，提起行政诉讼{lit}件。"


OUTCOMES = ("maintained", "corrected", "other", "pending", "total")


def stat_lines(ctx: Ctx, facts: dict) -> str:
    """The year's figures as plain statistics lines, this year and last year side by side; now and
    then one line's two figures run together with no separator ("行政诉讼数 件 21" for 2 and 1): that
    figure is unknown unless a sentence states it. Records in ``facts`` what the lines settle."""
    rng = ctx.variant
    r, lit = ctx.pre_cases
    rows = [("申请数", "new", ctx.pre_apps), ("行政复议数", "reconsideration", r),
            ("行政诉讼数", "litigation_total", lit)]
    joined = rng.randrange(len(rows)) if rng.random() < 0.4 else None
    lines = [f"统计指标 单位 {ctx.year}年 {ctx.year - 1}年"]
    for k, (label, key, n) in enumerate(rows):
        prev = rng.randint(0, 9)
        run = k == joined and (len(str(n)) + 1 >= 2)
        lines.append(f"{label} 件 {n}{prev}" if run else f"{label} 件 {n} {prev}")
        if run:
            continue  # unreadable: the sentence's figure (if any) stands
        if key == "new":
            facts["new"] = n
        elif key == "litigation_total":
            facts["litigation_total"] = n
        else:
            group = facts.setdefault("reconsideration", {})
            group["total"] = n
            if n == 0:
                facts["reconsideration"] = dict.fromkeys(OUTCOMES, 0)
    return "\n".join(lines)


def build_pre2019(ctx: Ctx) -> tuple[list, dict]:
    """A 2008-2018 report: seven parts, numbers only in prose. Returns (blocks, stated facts)."""
    rng = ctx.rng
    facts: dict = {}
    head = title(ctx)
    blocks: list = [("title", head, ctx.split_title)]
    need_body = ctx.body not in head and not ctx.sign_date and not ctx.header_body
    blocks += [("p", t) for t in intro(ctx, need_body=need_body)]
    blocks.append(part_heading(ctx, 0, PRE2019_PARTS))
    lead = fill(ctx, pick(rng, LEAD_PHRASES))
    blocks.append(("p", f"{ctx.year}年，{lead}，{ctx.me}认真贯彻落实《中华人民共和国政府信息公开条例》，"
                        f"围绕{pick(rng, topics(ctx.year))}等中心工作，扎实推进政府信息公开工作。"
                        + fill(ctx, pick(rng, MANAGE_SENTENCES))))
    blocks += [("p", m) for m in ctx.mentions]
    blocks.append(part_heading(ctx, 1, PRE2019_PARTS))
    blocks.append(("p", (proactive_sentence(ctx) or "") + fill(ctx, pick(rng, PLATFORM_SENTENCES))))
    blocks.append(part_heading(ctx, 2, PRE2019_PARTS))
    blocks.append(("p", prose_apps(ctx, facts)))
    blocks.append(part_heading(ctx, 3, PRE2019_PARTS))
    blocks.append(("p", pick(rng, ("本年度未收取任何政府信息公开费用。", f"{ctx.me}未收取政府信息检索、复制、"
                                                                    "邮寄等费用，也无减免情况。"))))
    blocks.append(part_heading(ctx, 4, PRE2019_PARTS))
    cases = prose_cases(ctx, facts)
    blocks.append(("p", cases or fill(ctx, pick(rng, SUPERVISE_SENTENCES))))
    if ctx.stat_lines:
        blocks.append(("p", stat_lines(ctx, facts)))
    blocks.append(part_heading(ctx, 5, PRE2019_PARTS))
    blocks += part_five(ctx)
    blocks.append(part_heading(ctx, 6, PRE2019_PARTS))
    blocks += part_six(ctx)
    blocks += signature(ctx)
    return blocks, facts
