"""The whole corpus: twelve plans, 630 tasks, each sampled task exactly as printed.

Every expectation here was written by reading the source files in ``data/sources`` (line
numbers are the files' own); none was copied from the parser's output.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plankg.graph.namespace import task_iri
from plankg.graph.store import GraphStore

PLAN_COUNTS = [
    ("sz-market-2023-2025", 23, 23), ("sz-legal-2023-2025", 20, 20), ("sz-intl-2023-2025", 12, 12),
    ("sz-intl-tasks-2023", 44, None), ("sz-workpoints-2023", 100, None),
    ("sz-keytasks-2023", 100, None), ("sz-market-2024", 44, 44), ("sz-legal-2024", 31, 31),
    ("sz-intl-2024", 30, 30), ("cn-vc-measures-2024", 17, None), ("sz-port-2024", 9, 15),
    ("sz-pilot-batch1", 200, None),
]

L, P, R = "leadAgency", "participatingAgency", "responsibleAgency"

# (plan, number, file, line, title, {role: {names}}, deadline text, deadline, official, national)
SAMPLE = [
    # 001 annex: units, named official, month-end deadline in 2023
    ("sz-intl-tasks-2023", 1, "001", 99, "组织实施科技重大专项领域技术攻关项目立项累计 200 个以上",
     {R: {"市科技创新委"}}, "12 月底", "2023-12-31", "张林", None),
    ("sz-intl-tasks-2023", 5, "001", 107, "发布 2024 年度国际科技交流活动项目申请指南",
     {R: {"市科技创新委"}}, "9月底", "2023-09-30", "张林", None),  # "9" and "月底" on two lines
    ("sz-intl-tasks-2023", 12, "001", 125, "参与资本项目跨境人民币收入境内使用便利化试点企业达 180 家, 累计试点金额 180 亿元",
     {R: {"人民银行深圳市中心支行"}}, "12月底", "2023-12-31", "温信祥", None),  # 人民|银行 split
    ("sz-intl-tasks-2023", 15, "001", 133, "与新加坡、伦敦金融城等合作举办金融主题论坛活动",
     {R: {"市地方金融监管局"}}, "10月底", "2023-10-31", "何杰", None),
    ("sz-intl-tasks-2023", 17, "001", 137, "推动我市数字贸易高质量发展，落实好《深圳市数字贸易高质量发展三年行动计划（2022—2024年）》各项重点任务，数字贸易进出口额达540亿美元",
     {R: {"市商务局"}}, "12月底", "2023-12-31", "张非梦", None),
    ("sz-intl-tasks-2023", 31, "001", 167, "拓展加密 5 条以上货运航线",
     {R: {"市交通运输局"}}, "12 月底", "2023-12-31", "韩立清", None),
    ("sz-intl-tasks-2023", 33, "001", 173, "进一步建设好港人子弟学校——深圳前海哈罗港人子弟学校，提供学位数不少于 500 座",
     {R: {"市教育局"}}, "12月底", "2023-12-31", "郑秀玉", None),  # 市教育|局 split
    ("sz-intl-tasks-2023", 40, "001", 189, "开展粤港澳大湾区创新成果展、“港澳青年看深圳”等深港交流活动",
     {R: {"市委宣传部"}}, "12月底", "2023-12-31", "吴筠", None),  # ** and a break mid-tail
    ("sz-intl-tasks-2023", 44, "001", 199, "开展“深圳故事”文明交流互鉴计划，建立“深圳故事”主题推介常态化工作机制",
     {R: {"市委宣传部"}}, "12月底", "2023-12-31", "吴筠", None),
    # 002 work points: units in a bare trailing parenthesis, no roles
    ("sz-workpoints-2023", 3, "002", 31, "制定“i 深圳”APP 多语种版本建设工作方案，上线繁体字、英语、日语等多语种版本，围绕出入境、就业居留、文体旅游、交通出行等高频场景,提供多语种服务",
     {R: {"市政务服务数据管理局"}}, None, None, None, None),
    ("sz-workpoints-2023", 33, "002", 121, "实施《深圳市坪山区小微企业劳动关系事务托管服务管理办法》，为小微企业提供劳动关系事务托管服务，规范服务主体、服务事项、补贴机制、监管管理等内容，减少劳动争议纠纷",
     {R: {"坪山区"}}, None, None, None, None),
    ("sz-workpoints-2023", 43, "002", 157, "新增评审认定不少于8家绿色金融机构",
     {R: {"市地方金融监管局", "人民银行深圳市中心支行", "深圳银保监局", "深圳证监局"}}, None, None, None, None),
    ("sz-workpoints-2023", 44, "002", 161, "允许深圳银行通过深圳征信机构,获取港澳台征信机构出具的企业信用报告,为港澳台企业提供金融服务",
     {R: {"人民银行深圳市中心支行", "深圳银保监局", "市市场监管局", "市台办", "市前海管理局"}}, None, None, None, None),
    ("sz-workpoints-2023", 76, "002", 257, "优化诉讼前端综合性服务,针对重点领域矛盾纠纷深化诉源综合治理,构建涉众型矛盾纠纷府院联动、多元化解、风险管控机制,实施金融、知识产权等类型化纠纷调解前置",
     {R: {"市中级人民法院"}}, None, None, None, None),
    ("sz-workpoints-2023", 100, "002", 333, "清理妨碍破产管理人履职的法律法规和政策，依法分类解决破产管理人履职中面临的破产企业注销、管理人履职档案管理等问题",
     {R: {"市破产事务管理署", "市中级人民法院"}}, None, None, None, None),  # a page stamp follows
    # 002 key task list: markdown rows, 牵头单位 = lead, 责任单位 = participating
    ("sz-keytasks-2023", 3, "002", 344, "推进“i 深圳”APP 多语种版本建设",
     {L: {"市政务服务数据管理局"}, P: {"各有关单位"}}, None, None, None, None),
    ("sz-keytasks-2023", 11, "002", 359, "开展 BIM/CIM 技术应用",
     {L: {"市住房建设局"}, P: {"市交通运输局", "市水务局", "各区（新区）", "深汕特别合作区", "市前海管理局"}},
     None, None, None, None),  # printed 市住房城乡建设局
    ("sz-keytasks-2023", 29, "002", 395, "探索开展保障性住房“租购同权”试点",
     {L: {"市住房建设局", "市教育局"}, P: {"市卫生健康委", "市人力资源保障局", "市民政局", "各有关单位"}},
     None, None, None, None),  # 市民政局等各有关单位
    ("sz-keytasks-2023", 76, "002", 482, "优化诉讼前端综合性服务",
     {L: {"市中级人民法院"}, P: {"市委政法委", "市信访局", "市司法局", "深圳银保监局", "人民银行深圳市中心支行",
                               "市市场监管局", "市港澳办", "市前海管理局"}}, None, None, None, None),
    ("sz-keytasks-2023", 92, "002", 513, "搭建大湾区数字版权产业公共服务平台",
     {L: {"市前海管理局", "市市场监管局"}, P: {"市委网信办"}}, None, None, None, None),  # <br> in cells
    ("sz-keytasks-2023", 98, "002", 523, "完善个人破产管理人管理法规制度",
     {L: {"市破产事务管理署"}, P: {"市中级人民法院"}}, None, None, None, None),  # 管理<br>署
    ("sz-keytasks-2023", 100, "002", 525, "加强破产管理人履职保障",
     {L: {"市破产事务管理署", "市中级人民法院"}}, None, None, None, None),
    # 003: the 2024 plans inside a news digest
    ("sz-market-2024", 1, "003", 188, "开展智能网联汽车准入和上路通行工作", {R: {"市工业和信息化局"}}, None, None, None, None),
    ("sz-market-2024", 15, "003", 220, "促进数据交易和监管降本增效", {R: {"市政务服务和数据管理局", "市市场监管局"}}, None, None, None, None),
    ("sz-market-2024", 19, "003", 230, "降低融资成本", {R: {"市委金融办"}}, None, None, None, None),
    ("sz-market-2024", 44, "003", 282, "积极推动城市公园绿地及文体设施开放共享", {R: {"市城管和综合执法局", "市文化广电旅游体育局"}}, None, None, None, None),
    ("sz-legal-2024", 1, "003", 304, "推进重点领域、新兴领域立法", {R: {"市人大常委会办公厅", "市司法局"}}, None, None, None, None),
    ("sz-legal-2024", 3, "003", 308, "推进粤港澳大湾区规则衔接和机制对接", {R: {"市司法局", "市中级人民法院"}}, None, None, None, None),  # printed 市中级法院
    ("sz-legal-2024", 15, "003", 336, "提高金融纠纷防范化解质效", {R: {"市中级人民法院", "市委金融办", "国家金融监督管理总局深圳监管局"}}, None, None, None, None),
    ("sz-legal-2024", 31, "003", 370, "优化涉企法律服务", {R: {"市司法局"}}, None, None, None, None),
    ("sz-intl-2024", 1, "003", 392, "积极放宽外资市场准入", {R: {"市投资促进局", "市发展改革委", "河套发展署", "市前海管理局"}}, None, None, None, None),
    ("sz-intl-2024", 2, "003", 394, "持续优化外商投资服务", {R: {"市投资促进局", "中国人民银行深圳市分行", "市贸促委"}}, None, None, None, None),
    ("sz-intl-2024", 21, "003", 440, "支持国际人才来深执业创业",
     {R: {"市人力资源保障局", "市前海管理局", "市卫生健康委", "市委金融办", "市司法局", "市住房建设局", "深圳海事局",
          "深圳证监局", "市市场监管局", "市财政局"}}, None, None, None, None),
    ("sz-intl-2024", 30, "003", 460, "加强城市对外宣传平台建设", {R: {"市委宣传部"}}, None, None, None, None),
    # 003: State Council measures (一)…(十七), no Shenzhen units
    ("cn-vc-measures-2024", 1, "003", 126, "加快培育高质量创业投资机构", {}, None, None, None, None),
    ("cn-vc-measures-2024", 11, "003", 150, "持续落实落细创业投资企业税收优惠政策", {}, None, None, None, None),
    ("cn-vc-measures-2024", 17, "003", 166, "营造支持科技创新的良好金融生态", {}, None, None, None, None),
    # 003: the port plan, cut off after (九)
    ("sz-port-2024", 1, "003", 486, "深化口岸“净、畅、宁、美”专项行动", {}, None, None, None, None),
    ("sz-port-2024", 8, "003", 500, "完善旅客通关便利度评价系统", {}, None, None, None, None),
    ("sz-port-2024", 9, "003", 502, "增设港澳人员综合服务中心", {}, None, None, None, None),
    # 004: the pilot list
    ("sz-pilot-batch1", 1, "004", 11, "拓展“开办企业一窗通”平台业务范围",
     {L: {"市市场监管局"}, P: {"市人力资源保障局", "深圳市税务局", "市政务服务数据管理局"}}, "2022年12月底", "2022-12-31", None, True),
    ("sz-pilot-batch1", 4, "004", 32, "打造开办企业全天候、零等候智能导办",
     {L: {"市市场监管局"}, P: {"市中小企业服务局", "市政务服务数据管理局"}}, "2022年12月底", "2022-12-31", None, False),
    ("sz-pilot-batch1", 5, "004", 39, "提升企业名称登记管理规范化、便利化水平",
     {L: {"市市场监管局"}}, "2022年6月底", "2022-06-30", None, True),
    ("sz-pilot-batch1", 7, "004", 53, "开展“一照多址”改革", {L: {"市市场监管局"}}, "2022年6月底", "2022-06-30", None, True),
    ("sz-pilot-batch1", 67, "004", 544, "建立覆盖市场主体全生命周期的“信用+智慧”监管机制",
     {L: {"市市场监管局"}, P: {"各有关单位"}}, "已落地，持续巩固提升", None, None, True),
    ("sz-pilot-batch1", 200, "004", 1538, "优化独角兽企业培育体系",
     {L: {"市工业和信息化局"}, P: {"市中小企业服务局", "市科技创新委", "市商务局", "市地方金融监管局", "市人力资源保障局",
                                "市市场监管局", "各区"}}, "2022年6月底", "2022-06-30", None, False),  # printed 各区政府
]

SOURCES = {"000": "000_35404b1995788393.txt", "001": "001_560f08f7727a2982.txt",
           "002": "002_5a9a178f36e254ae.txt", "003": "003_a85699c24c36714f.txt",
           "004": "004_bb859e5053b7b54d.txt"}


def task_node(slug: str, number: int) -> ox.NamedNode:
    return ox.NamedNode(str(task_iri(slug, number)))


def values(store: GraphStore, node: ox.NamedNode, path: str) -> set[str]:
    return {row[0] for row in store.select(f"SELECT ?v WHERE {{ ?t {path} ?v }}", {"t": node}).rows}


@pytest.mark.parametrize("slug,count,declared", PLAN_COUNTS)
def test_plan_counts(report: dict, store: GraphStore, slug: str, count: int, declared: int | None) -> None:
    assert report["plans"][slug]["tasks"] == count
    assert report["plans"][slug]["declared"] == declared
    numbers = [int(r[0]) for r in store.select(
        "SELECT ?n WHERE { ?t a pk:Task ; pk:inPlan ?p ; pk:taskNumber ?n } ORDER BY ?n",
        {"p": ox.NamedNode(f"https://w3id.org/plankg/id/plan/{slug}")}).rows]
    assert numbers == list(range(1, count + 1))


def test_630_tasks_in_contract_order(report: dict) -> None:
    assert list(report["plans"]) == [slug for slug, _, _ in PLAN_COUNTS]
    assert report["tasks"] == 630
    assert report["agencies_unresolved"] == 0


@pytest.mark.parametrize("slug,number,file,line,title,roles,deadline_text,deadline,official,national", SAMPLE,
                         ids=[f"{s[0]}-{s[1]}" for s in SAMPLE])
def test_task_as_printed(store: GraphStore, slug: str, number: int, file: str, line: int, title: str,
                         roles: dict[str, set[str]], deadline_text: str | None, deadline: str | None,
                         official: str | None, national: bool | None) -> None:
    node = task_node(slug, number)
    assert values(store, node, "dcterms:title") == {title}
    assert values(store, node, "pk:sourceLine") == {str(line)}
    assert values(store, node, "prov:wasDerivedFrom/pk:fileName") >= {SOURCES[file]}
    lead = values(store, node, "pk:leadAgency/skos:prefLabel")
    participating = values(store, node, "pk:participatingAgency/skos:prefLabel")
    everyone = values(store, node, "pk:responsibleAgency/skos:prefLabel")
    assert lead == roles.get(L, set())
    assert participating == roles.get(P, set())
    assert everyone == roles.get(L, set()) | roles.get(P, set()) | roles.get(R, set())
    assert values(store, node, "pk:deadlineText") == ({deadline_text} if deadline_text else set())
    assert values(store, node, "pk:deadline") == ({deadline} if deadline else set())
    assert values(store, node, "pk:responsibleOfficial") == ({official} if official else set())
    assert values(store, node, "pk:nationalReform") == ({str(national).lower()} if national is not None else set())


def test_pilot_item_over_several_rows(store: GraphStore) -> None:
    # 004 item 68 is printed in four rows from line 551, then again after a page break from
    # line 579 (number and title repeated) with a fifth row.
    node = task_node("sz-pilot-batch1", 68)
    rows = store.select("""SELECT ?n ?text ?lead ?deadline ?line WHERE {
        ?t pk:hasRow ?r . ?r pk:rowNumber ?n ; pk:rowText ?text ; pk:rowDeadlineText ?deadline ;
           pk:rowSourceLine ?line ; pk:rowLeadAgency/skos:prefLabel ?lead } ORDER BY ?n""", {"t": node}).rows
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("1", "市消防救援支队", "2022年6月底", "551"), ("2", "市市场监管局", "2022年12月底", "558"),
        ("3", "市卫生健康委", "2022年6月底", "565"), ("4", "市生态环境局", "2022年12月底", "572"),
        ("5", "市水务局", "2022年6月底", "579")]
    assert rows[4][1].startswith("探索建立生产建设项目水土保持全过程监管")
    assert values(store, node, "pk:deadlineText") == {"2022年6月底", "2022年12月底"}
    assert values(store, node, "pk:deadline") == {"2022-06-30", "2022-12-31"}
    # item 7: two rows, the second with its own 改革事项
    assert values(store, task_node("sz-pilot-batch1", 7), "pk:hasRow/pk:rowTitle") == {"开展“一照多址”改革", "探索“一证多址”改革"}


def test_101_national_reform_items(store: GraphStore) -> None:
    table = store.select("SELECT (COUNT(?t) AS ?n) WHERE { ?t pk:nationalReform true }")
    assert table.rows == (("101",),)


def test_truncated_port_plan_is_a_warning(report: dict, store: GraphStore) -> None:
    assert report["plans"]["sz-port-2024"]["truncated"] is True
    assert any("sz-port-2024" in w or "深圳口岸提升美誉度专项行动方案" in w for w in report["warnings"])
    assert bool(store.query("ASK { <https://w3id.org/plankg/id/plan/sz-port-2024> pk:sourceTruncated true }"))


def test_notices_and_plan_links(store: GraphStore) -> None:
    intl = "<https://w3id.org/plankg/id/plan/sz-intl-2023-2025>"
    rows = store.select(f"SELECT ?id ?d WHERE {{ {intl} dcterms:identifier ?id ; dcterms:issued ?d }}").rows
    assert rows == (("深办发〔2023〕12号", "2023-08-05"),)
    assert values(store, ox.NamedNode(intl[1:-1]), "dcterms:publisher/skos:prefLabel") == {
        "中共深圳市委办公厅", "市政府办公厅"}
    workpoints = ox.NamedNode("https://w3id.org/plankg/id/plan/sz-workpoints-2023")
    assert values(store, workpoints, "dcterms:identifier") == {"深营商组〔2023〕1号"}
    assert values(store, workpoints, "dcterms:issued") == {"2023-02-26"}
    annex = ox.NamedNode("https://w3id.org/plankg/id/plan/sz-intl-tasks-2023")
    assert values(store, annex, "dcterms:isPartOf") == {intl[1:-1]}
    for year_plan, multi in [("sz-market-2024", "sz-market-2023-2025"), ("sz-legal-2024", "sz-legal-2023-2025"),
                             ("sz-intl-2024", "sz-intl-2023-2025")]:
        assert values(store, ox.NamedNode(f"https://w3id.org/plankg/id/plan/{year_plan}"), "pk:implements") == {
            f"https://w3id.org/plankg/id/plan/{multi}"}
