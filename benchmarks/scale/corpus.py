"""Seeded Chinese content for the scale benchmark: issues of a digital-trade association's
periodical, ten years of them.

Every article has a topic (digital-trade rules, cross-border e-commerce, ports and cold chains,
sea-food exports, the association's own news …) with its own vocabulary, title patterns, tags
and hand-written sentences, mixed with general sentence templates filled from that vocabulary,
numbers and names, and with real sentences from the demo issue. So the search terms of issue 13
hit a realistic share of the archive rather than every article or none: 数 (in 数字, 数据, 数量,
多数, 指数 …) is in nearly every long article, 数据 in most, 数字贸易 in those about digital trade,
大数据 in a few, CPTPP in a few dozen. The same seed gives the same archive.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_ARTICLES = ROOT / "docs" / "demo-bundle" / "articles"

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
            "贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
            "雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕晶鹏辉宁建国立新海波志宏"
         "晓文澜启雯岚欣怡佳琪梓涵子轩浩然宇航思远博文嘉懿睿泽雨彤一诺晨曦慧清远哲")
UNIVERSITIES = [
    "东北财经大学国际经济贸易学院", "大连海事大学交通运输工程学院", "大连理工大学经济管理学院",
    "辽宁师范大学经济与管理学院", "大连外国语大学商学院", "大连大学经济管理学院",
    "东北亚数字贸易研究中心", "辽宁省社会科学院", "中国国际经济交流中心",
    "商务部国际贸易经济合作研究院", "大连市委党校经济学教研部", "大连海洋大学经济管理学院",
]
ROLES = ["教授", "副教授", "研究员", "副研究员", "博士", "讲师", "高级经济师", "主任"]
GOV = ["大连市商务局", "大连海关", "中国（辽宁）自由贸易试验区大连片区管委会", "大连市发展和改革委员会",
       "大连市工业和信息化局", "大连市数据局", "辽宁省商务厅", "大连金普新区管委会", "大连港集团",
       "大连市贸促会", "大连高新技术产业园区管委会"]
CITY_PARTS = ["大连", "辽宁", "星海", "金州", "旅顺", "长兴岛", "甘井子", "中山", "沙河口", "普兰店"]
FIRM_CORE = ["华创", "启航", "海通", "融汇", "智联", "博远", "恒信", "远洋", "云帆", "聚源", "东软",
             "万邦", "泰和", "瑞丰", "海辰", "汇通", "盛达", "天润", "金桥", "新锐"]
FIRM_KIND = ["科技", "软件", "物流", "供应链管理", "国际贸易", "水产食品", "数据服务", "信息技术",
             "跨境电子商务", "冷链物流", "智能装备", "咨询"]
SOURCES = ["中国新闻网", "新华社", "人民日报", "经济日报", "商务部网站", "大连日报", "辽宁日报",
           "21世纪经济报道", "第一财经", "中国贸易报", "国际商报", "海关总署网站", "中国日报网"]
REGIONS = ["大连", "沈阳", "辽宁", "上海", "深圳", "杭州", "青岛", "天津", "广州", "海南自由贸易港",
           "长三角", "粤港澳大湾区", "东北地区", "京津冀"]
ABROAD = ["日本", "韩国", "新加坡", "欧盟", "美国", "东盟", "俄罗斯", "英国", "澳大利亚", "越南",
          "泰国", "马来西亚", "印度尼西亚", "德国"]
QUARTERS = ["一季度", "上半年", "前三季度", "全年", "1—5 月", "1—8 月", "第四季度"]


@dataclass(frozen=True)
class Topic:
    name: str
    keywords: tuple[str, ...]
    tags: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "数字贸易规则",
        ("数字贸易", "数字贸易规则", "数据跨境流动", "数字产品非歧视待遇", "源代码保护", "电子认证",
         "无纸化贸易", "数字贸易协定"),
        ("数字贸易", "RCEP", "CPTPP", "DEPA", "贸易规则"),
        ("在规则重构中把握{kw}新机遇", "{kw}的国际比较与借鉴", "高水平{kw}对接的路径选择",
         "从 RCEP 到 DEPA：{kw}的演进", "CPTPP 框架下的{kw}及其影响"),
        ("我国是 RCEP 成员，该协定于 2022 年 1 月 1 日正式生效，"
         "电子商务章节对无纸化贸易和电子认证作出了安排。",
         "2021 年 9 月和 11 月，我国先后正式申请加入 CPTPP 和 DEPA，"
         "这标志着对接高标准数字贸易规则进入新阶段。",
         "CPTPP 的电子商务章要求缔约方原则上允许为商业目的跨境传输信息，同时保留实现合法公共政策目标的例外。",
         "DEPA 采用模块化结构，成员可以根据自身情况选择加入部分模块，这为发展中经济体提供了灵活空间。",
         "数字贸易规则的核心分歧集中在数据跨境流动、数据本地化和源代码披露三个方面。",
         "WTO 电子商务诸边谈判已就无纸化贸易、电子签名、开放政府数据等议题形成稳定文本。",
         "与传统货物贸易规则不同，数字贸易规则更多涉及国内监管制度，边境后措施的重要性明显上升。",
         "对企业而言，读懂协定文本中的例外条款，往往比记住原则性条款更有实际意义。",
         "数字贸易统计口径尚不统一，各国对可数字化交付服务的测算方法存在差异。",
         "从“拼规模”到“拼规则”，全球数字贸易竞争的逻辑正在发生深刻变化。"),
    ),
    Topic(
        "跨境电商",
        ("跨境电商", "海外仓", "独立站", "跨境电商综合试验区", "跨境物流", "跨境电商平台", "直播电商",
         "品牌出海"),
        ("跨境电商", "海外仓", "品牌出海", "外贸新业态"),
        ("{kw}发展的新趋势", "{region}{kw}高质量发展调研", "{kw}企业的合规经营要点",
         "{kw}助力中小企业出海", "{kw}：从“卖货”到“做品牌”"),
        ("海外仓把“跨境物流”变成了“本地发货”，消费者下单后一两天就能收到商品，退换货也更加方便。",
         "跨境电商零售出口采用 9610 监管方式，企业对企业出口则适用 9710 和 9810 监管方式。",
         "越来越多的卖家开始建设独立站，希望摆脱对单一平台流量规则的依赖。",
         "直播带货正在从国内走向海外，东南亚市场的直播电商增长尤为迅速。",
         "退货处理、清关合规和本地税务是海外仓运营中最常见的三类难题。",
         "一些企业把海外仓与展示中心结合起来，为海外采购商提供看样、试用和售后服务。",
         "跨境电商综合试验区在通关、结汇、退税等环节先行先试，形成了一批可复制推广的经验。",
         "平台规则变化快，中小卖家需要建立专门岗位跟踪账号安全和知识产权风险。"),
    ),
    Topic(
        "服务外包",
        ("服务外包", "离岸服务外包", "软件外包", "业务流程外包", "知识流程外包", "数字服务出口",
         "呼叫中心", "共享服务中心"),
        ("服务外包", "服务贸易", "日韩市场", "数字服务出口"),
        ("{kw}企业的数字化转型路径", "{kw}转型升级的大连实践", "{kw}如何应对生成式人工智能",
         "{kw}的人才培养与产教融合", "面向日韩市场的{kw}新机遇"),
        ("大连是我国最早发展服务外包的城市之一，对日软件外包曾长期占据全国较大份额。",
         "随着人工成本上升，单纯依靠价格优势承接订单的模式已经难以为继。",
         "越来越多的外包企业从编码测试向咨询设计、运营维护等高附加值环节延伸。",
         "日语人才和熟悉日本商务习惯的项目经理，是大连外包企业的独特优势。",
         "财务共享、人力资源外包等业务流程外包，对数据保护和信息安全提出了更高要求。",
         "数字服务出口基地的建设，为外包企业提供了政策、平台和人才等多方面支持。",
         "客户越来越看重交付质量和响应速度，外包合同中的服务水平协议条款日益细化。"),
    ),
    Topic(
        "人工智能",
        ("生成式人工智能", "人工智能", "大模型", "算法治理", "智能客服", "机器翻译", "人工智能伦理"),
        ("人工智能", "AI", "大模型", "算法治理"),
        ("{kw}对外贸企业的影响", "{kw}监管的国际动向", "{kw}赋能贸易全流程", "欧盟《人工智能法》与{kw}合规",
         "{kw}时代的外包业务重塑"),
        ("以 ChatGPT 为代表的生成式人工智能在 2022 年底进入公众视野后，"
         "迅速被应用到代码编写和文档翻译等场景。",
         "欧盟《人工智能法》按照风险等级对人工智能系统实行分类管理，高风险系统须满足严格的合规义务。",
         "训练数据来源是否合法、生成内容的知识产权归属如何确定，是企业使用大模型时绕不开的问题。",
         "智能客服已经能够处理大部分常见咨询，人工坐席更多转向复杂问题和客户关系维护。",
         "机器翻译的质量明显提高，但合同、法律文书等专业文本仍需要人工审校。",
         "算法透明度和可解释性，正在从技术讨论走向规则制定。",
         "一些外贸企业利用 AI 工具自动生成多语种商品描述，上新效率提高了数倍。",
         "人工智能的应用需要高质量数据作支撑，不少企业的数据基础仍然薄弱。"),
    ),
    Topic(
        "港口物流",
        ("港口物流", "智慧口岸", "集装箱航线", "中欧班列", "多式联运", "国际航运", "通关便利化",
         "自动化码头"),
        ("港口物流", "智慧口岸", "贸易便利化", "东北亚"),
        ("{kw}建设的新进展", "以{kw}提升东北亚物流枢纽功能", "{kw}与贸易便利化", "{region}{kw}观察"),
        ("大连港是东北地区最重要的出海口，集装箱航线通达世界主要港口。",
         "“提前申报”“两步申报”等改革措施，使进出口货物的整体通关时间大幅压缩。",
         "中欧班列为内陆企业提供了海运和空运之外的第三种选择，时效和成本介于两者之间。",
         "自动化码头依靠远程操控和智能调度，作业效率和安全水平都有明显提升。",
         "海铁联运把港口的辐射范围延伸到东北腹地，降低了内陆企业的综合物流成本。",
         "国际航运价格的大幅波动，给外贸企业的报价和履约带来很大不确定性。",
         "口岸收费目录清单公开后，企业对各项费用心中有数，投诉明显减少。"),
    ),
    Topic(
        "农产品与水产品出口",
        ("水产品出口", "农产品出口", "海参", "冷链物流", "检验检疫", "原产地证书", "大樱桃", "预制菜"),
        ("农产品出口", "水产品", "冷链物流", "食品安全"),
        ("{kw}的市场拓展与质量提升", "{kw}企业如何应对技术性贸易措施", "{region}{kw}形势分析",
         "让{kw}走得更远"),
        ("大连的海参、鲍鱼和扇贝在日本、韩国和东南亚市场享有较高知名度。",
         "冷链物流是生鲜产品出口的生命线，全程温控和可追溯能力决定了产品能否进入高端市场。",
         "进口国不断提高农药残留和兽药残留限量标准，企业必须提前掌握目标市场的技术要求。",
         "原产地证书可以帮助出口企业享受协定税率，RCEP 生效后签证数量持续增长。",
         "大樱桃成熟期短，采摘后需要在很短时间内完成预冷、分级和包装。",
         "预制菜出口是近年出现的新增长点，但各国对食品添加剂的规定差异较大。",
         "一些水产加工企业通过建设海外销售渠道，逐步摆脱了来料加工的单一模式。"),
    ),
    Topic(
        "跨境支付与金融",
        ("跨境支付", "数字人民币", "跨境人民币结算", "出口信用保险", "供应链金融", "汇率避险",
         "外汇管理"),
        ("跨境支付", "数字人民币", "贸易金融"),
        ("{kw}的应用场景与前景", "{kw}服务外贸企业的实践", "{kw}：企业关心的几个问题"),
        ("数字人民币在跨境支付中的试点，为降低结算成本、提高到账速度提供了新的可能。",
         "汇率双向波动成为常态，外贸企业需要建立适合自身规模的汇率风险管理机制。",
         "出口信用保险既能帮助企业防范买方违约风险，也能作为增信手段获得银行融资。",
         "供应链金融依托核心企业信用，为上下游中小企业提供应收账款融资。",
         "跨境人民币结算可以帮助企业规避汇率风险，减少汇兑环节的成本。",
         "部分银行推出了线上化的贸易融资产品，企业从申请到放款只需几个小时。"),
    ),
    Topic(
        "数据治理",
        ("数据要素", "数据跨境", "数据出境安全评估", "个人信息保护", "数据安全", "数据交易",
         "大数据", "公共数据开放", "数据资产"),
        ("数据治理", "数据跨境", "个人信息保护", "大数据"),
        ("{kw}制度建设的进展与展望", "企业{kw}合规指引解读", "激活{kw}价值的路径", "{kw}的国际规则比较"),
        ("《数据安全法》和《个人信息保护法》实施以来，企业的数据合规意识普遍增强。",
         "数据出境安全评估、个人信息出境标准合同和个人信息保护认证，构成了数据出境的三条路径。",
         "大数据技术让企业能够更准确地把握海外市场需求，但数据质量和数据安全同样不容忽视。",
         "数据交易所的设立，为数据产品的登记、定价和流通提供了制度化平台。",
         "国家数据局成立后，数据基础制度建设进一步提速。",
         "公共数据授权运营在多地试点，交通、气象和企业登记等数据开始向社会有序开放。",
         "一些企业开始尝试把数据资源计入资产负债表，数据资产入表成为财务领域的新话题。",
         "跨国企业在华收集的数据能否出境，取决于数据类型、数量和处理目的等多方面因素。"),
    ),
    Topic(
        "制造业数字化转型",
        ("数字化转型", "工业互联网", "智能制造", "数字工厂", "企业上云", "工业软件", "数字孪生"),
        ("数字化转型", "智能制造", "工业互联网"),
        ("{kw}中的中小企业之困", "以{kw}提升外贸竞争力", "{region}{kw}调查报告", "{kw}的投入与回报"),
        ("许多中小企业有转型意愿，却苦于缺资金、缺人才、缺方案。",
         "工业互联网平台把设备、生产线和供应链连接起来，使企业能够按订单灵活组织生产。",
         "数字孪生技术被用于设备维护和工艺优化，减少了停机时间。",
         "企业上云降低了信息化建设的门槛，按需付费的模式更适合中小企业。",
         "转型不是简单地购买软件，更重要的是业务流程和组织方式的调整。",
         "在调查中，多数企业表示已经使用在线办公工具，但只有少数企业实现了生产环节的数字化管理。",
         "工业软件的国产化替代正在加快，但在高端设计和仿真领域仍有较大差距。"),
    ),
    Topic(
        "会展与人才",
        ("国际展会", "线上展会", "外贸人才", "产教融合", "职业技能培训", "实训基地", "招商推介"),
        ("会展经济", "人才培养", "外贸人才"),
        ("{kw}的新模式与新成效", "从{kw}看外贸企业的需求变化", "{kw}：协会在行动"),
        ("线上线下相结合的展会模式，让没有出国参展条件的企业也能接触海外采购商。",
         "外贸企业普遍反映，既懂外语又懂业务和数字工具的复合型人才十分紧缺。",
         "高校与企业共建实训基地，让学生在校期间就能参与真实的跨境电商运营。",
         "广交会、进博会和服贸会等重要展会，是企业了解行业趋势和拓展客户的重要窗口。",
         "针对中小企业的短期培训课程，内容涵盖平台运营、国际物流和外汇结算等实务。",
         "部分企业通过“以展代训”的方式，让年轻业务员在展会现场快速成长。"),
    ),
    Topic(
        "绿色贸易",
        ("绿色贸易", "碳足迹", "碳边境调节机制", "绿色供应链", "ESG 信息披露", "低碳转型", "新能源产品出口"),
        ("绿色贸易", "碳中和", "CBAM", "ESG"),
        ("{kw}对出口企业的影响与应对", "{kw}：外贸发展的新赛道", "读懂{kw}"),
        ("欧盟碳边境调节机制已进入过渡期，钢铁、铝、水泥等产品的进口商需要申报隐含碳排放。",
         "越来越多的海外采购商要求供应商提供产品碳足迹数据和 ESG 报告。",
         "新能源汽车、锂电池和光伏产品被称为外贸“新三样”，出口增长十分强劲。",
         "绿色供应链管理要求企业不仅关注自身排放，还要关注上下游合作伙伴的环境表现。",
         "碳排放核算需要准确的能源消耗记录，不少中小企业的基础管理工作还跟不上。"),
    ),
    Topic(
        "东北亚经贸合作",
        ("东北亚经贸合作", "中日韩合作", "中日韩自贸区", "对日贸易", "对韩贸易", "东北振兴", "对俄贸易"),
        ("东北亚", "日本", "韩国", "区域合作"),
        ("{kw}的新机遇", "RCEP 框架下的{kw}", "深化{kw}的若干思考", "{kw}形势分析与展望"),
        ("日本和韩国长期是大连最重要的贸易伙伴，双边贸易和相互投资都有深厚基础。",
         "RCEP 首次在中日之间建立了自贸关系，双方大部分货物贸易将逐步实现零关税。",
         "中日韩自贸区谈判虽然进展缓慢，但三方在数字经济、绿色发展等领域的合作空间广阔。",
         "东北全面振兴需要更高水平的对外开放，沿海港口城市应当发挥好门户作用。",
         "对俄贸易近年来快速增长，汽车、机电产品和农产品是主要品类。",
         "大连与日本、韩国城市之间的友好城市关系，为地方经贸交流提供了便利。"),
    ),
    Topic(
        "出口管制与合规",
        ("出口管制", "贸易合规", "经济制裁", "知识产权保护", "反倾销调查", "实体清单", "合规管理体系"),
        ("出口管制", "贸易合规", "知识产权"),
        ("{kw}新形势下的企业应对", "{kw}的美国动向与影响", "建立有效的{kw}", "{kw}实务问答"),
        ("美国商务部不断扩大出口管制范围，对先进计算芯片和人工智能模型权重实施新的限制。",
         "企业一旦被列入实体清单，获取相关物项就需要申请许可证，而许可证往往很难获批。",
         "建立出口管制内部合规制度，是企业降低法律风险、赢得客户信任的重要手段。",
         "遭遇反倾销调查时，企业应当积极应诉，放弃应诉往往意味着承担高额税率。",
         "在海外市场注册商标和申请专利，是品牌出海的第一步。",
         "合规工作不能只靠法务部门，需要销售、采购、技术等部门共同参与。"),
    ),
    Topic(
        "协会工作",
        ("会员企业", "理事会", "专题培训", "调研走访", "座谈会", "协会秘书处", "行业交流"),
        ("协会动态", "会员服务"),
        ("协会召开{year}年度理事会", "协会举办{any}专题培训", "协会组织会员企业赴{region}调研{any}",
         "协会与{org}联合召开{any}座谈会", "协会发布{year}年会员企业{any}调查报告"),
        ("协会秘书处将继续做好会员服务工作，欢迎会员企业提出意见和建议。",
         "会议审议通过了协会年度工作报告和财务报告，并对下一阶段工作作出部署。",
         "来自会员企业、高校和政府部门的代表参加了活动，围绕行业热点进行了深入交流。",
         "协会将根据会员需求，持续组织政策解读、业务培训和对接交流活动。",
         "本次活动得到了会员单位的大力支持，在此一并表示感谢。",
         "调研组实地走访了会员企业的生产车间和运营中心，听取了企业负责人的意见。"),
    ),
)
TOPIC_BY_NAME = {t.name: t for t in TOPICS}
# What experts, reports and news write about (the association's own news has its section).
SUBJECTS = tuple(t for t in TOPICS if t.name != "协会工作")

# The sections of the periodical, in print order, with how many articles each issue has there,
# which topics fill them and how long their articles run (characters of body text).
SECTIONS: tuple[tuple[str, int, tuple[str, ...] | None, tuple[int, int]], ...] = (
    ("专家观点", 3, None, (2800, 6500)),
    ("政策解读", 2, ("数字贸易规则", "数据治理", "跨境电商", "出口管制与合规", "绿色贸易",
                 "跨境支付与金融"), (1500, 3000)),
    ("国内资讯", 5, None, (350, 1200)),
    ("国际资讯", 4, ("数字贸易规则", "人工智能", "东北亚经贸合作", "出口管制与合规", "绿色贸易",
                 "跨境电商", "港口物流", "数据治理"), (350, 1100)),
    ("政策报告", 1, None, (3500, 7500)),
    ("协会动态", 3, ("协会工作",), (300, 900)),
    ("会员风采", 1, ("跨境电商", "服务外包", "农产品与水产品出口", "制造业数字化转型", "港口物流"),
     (800, 1600)),
)
ARTICLES_PER_ISSUE = sum(count for _name, count, _topics, _length in SECTIONS)
# Columns that come back in every issue under the same title (their slugs pile up: -2, -3 …).
RECURRING = {"协会动态": ["协会大事记", "会员动态"], "政策解读": ["政策速递"]}

GENERIC = (
    "{year}年{quarter}，{region}{kw}相关业务规模达到 {amount}，同比增长 {pct}%。",
    "{stats}，{year}年{region}{kw}领域新增企业 {count} 家，较上年增加 {small} 家。",
    "{org}有关负责人表示，将进一步完善{kw}相关政策，加大对中小企业的支持力度。",
    "{person}认为，推动{kw}发展，关键在于把制度优势转化为企业看得见、用得上的便利。",
    "在{abroad}，{kw}已经成为政府和企业共同关注的议题，相关规则仍在不断调整之中。",
    "从调研情况看，多数企业对{kw}的前景持乐观态度，但也普遍担心合规成本上升。",
    "{firm}负责人介绍，公司近年来持续投入{kw}，海外业务收入占比已超过 {pct}%。",
    "业内人士指出，{kw}与{kw2}相互促进，企业应当统筹谋划、协同推进。",
    "据不完全统计，{region}目前共有 {count} 家企业开展{kw}业务，其中约三分之一为近三年新设企业。",
    "{year}年以来，{org}先后出台 {small} 项支持{kw}的措施，涵盖资金扶持、人才引进和平台建设等方面。",
    "面对{kw}带来的新要求，企业既要练好内功，也要善于借助专业机构的力量。",
    "专家建议，在推进{kw}的过程中，要注意防范法律合规、知识产权和汇率波动等方面的风险。",
    "从国际经验看，{abroad}在{kw}方面起步较早，其做法值得我们研究借鉴。",
    "{org}与{firm}签署合作协议，双方将在{kw}和{kw2}领域开展深度合作。",
    "这一指数连续 {small} 个月保持在荣枯线以上，显示{kw}相关行业总体平稳向好。",
    "截至{year}年底，{region}{kw}相关从业人数约为 {count} 人，人才缺口仍然较大。",
    "调查样本覆盖 {count} 家会员企业，有效问卷回收率为 {pct}%。",
    "会上，{person}围绕{kw}作了专题报告，结合大量案例分析了企业面临的机遇和挑战。",
    "{firm}通过优化{kw}流程，订单交付周期缩短了 {small} 天，客户满意度明显提高。",
    "与传统模式相比，{kw}对企业的组织方式、管理流程和人员能力都提出了新的要求。",
    "下一步，{org}将围绕{kw}组织政策宣讲和企业对接活动，帮助企业用好用足各项政策。",
    "在{abroad}市场，{kw}的竞争日趋激烈，价格战已经难以为继，品牌和服务成为新的竞争焦点。",
    "不少企业反映，{kw}相关的标准和认证要求较为复杂，希望得到更多专业指导。",
    "{year}年，{region}{kw}相关项目累计获得各级财政资金支持约 {amount}。",
    "{kw}不是一蹴而就的工程，需要企业根据自身情况分步实施、久久为功。",
    "多位受访者提到，{kw2}是推进{kw}时最难跨越的门槛。",
    "如何在扩大开放与维护安全之间取得平衡，是{kw}领域各国都要回答的问题。",
    "{person}提醒，企业在签订{kw}相关合同时，应当特别关注争议解决和法律适用条款。",
)
NEWS_OPENINGS = (
    "{day}，{org}在{place}举办{kw}主题活动，{count} 余家企业参加。",
    "记者从{org}获悉，{region}{kw}工作取得新进展。",
    "近日，{org}发布《关于进一步推进{kw}的若干措施》，提出 {small} 方面 {count2} 项具体举措。",
    "据{source}报道，{abroad}近期出台{kw}新规，将于明年起正式实施。",
    "{day}，{region}首个{kw}公共服务平台正式上线运行。",
    "{abroad}政府日前宣布，将在未来三年投入 {amount} 支持{kw}发展。",
)
NEWS_TITLES = (
    "{region}{kw}工作取得新进展", "{org}出台支持{kw}若干措施", "{abroad}发布{kw}新规",
    "{region}首个{kw}公共服务平台上线", "{year}年{region}{kw}规模再创新高", "{abroad}加快推进{kw}",
    "{kw}主题活动在{place}举行",
)
# The demo issue's own sentences are about digital trade: they season only these topics.
DEMO_TOPICS = {"数字贸易规则", "跨境电商", "服务外包", "人工智能"}
ASPECTS = ("现状与展望", "机遇与挑战", "实践与思考", "问题与对策", "若干建议")
PLACES = ["大连国际会议中心", "大连软件园", "星海会展中心", "大连市民健康中心", "东北财经大学",
          "大连高新区创业大厦", "金普新区企业服务中心"]


def demo_sentences() -> list[str]:
    """Real sentences of the demo issue (its prose, not headings, tables or lists)."""
    text = "\n".join(p.read_text(encoding="utf-8").split("---", 2)[-1]
                     for p in sorted(DEMO_ARTICLES.glob("*.md")))
    text = re.sub(r"^(#|\||>|-|\d+\.|!\[).*$", "", text, flags=re.M)
    return [s.strip() + "。" for s in text.replace("\n", "").split("。") if len(s.strip()) > 12]


@dataclass
class Credit:
    name: str
    affiliation: str
    note: str = ""


@dataclass
class ArticleSpec:
    section: str
    topic: str
    title: str
    subtitle: str
    summary: str
    body_html: str
    tags: list[str]
    credits: list[Credit] = field(default_factory=list)
    source: str = ""


@dataclass
class IssueSpec:
    number: int
    title: str
    editor_note_html: str
    articles: list[ArticleSpec]


class Corpus:
    """Issue ``n`` of the archive, the same for the same seed whatever was generated before."""

    def __init__(self, seed: int = 13) -> None:
        self.seed = seed
        self.demo = demo_sentences()
        people = random.Random(seed)
        self.experts = [
            Credit(self.person_name(people), f"{people.choice(UNIVERSITIES)}{people.choice(ROLES)}")
            for _ in range(140)
        ]
        self.firms = sorted({self._firm(people) for _ in range(400)})

    # ----------------------------------------------------------------- pieces
    @staticmethod
    def person_name(rng: random.Random) -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    @staticmethod
    def _firm(rng: random.Random) -> str:
        return (f"{rng.choice(CITY_PARTS)}{rng.choice(FIRM_CORE)}{rng.choice(FIRM_KIND)}"
                f"{rng.choice(('有限公司', '股份有限公司', '集团有限公司'))}")

    def _fill(self, rng: random.Random, template: str, topic: Topic, year: int) -> str:
        others = [k for t in TOPICS for k in t.keywords[:3]]
        values = {
            "kw": rng.choice(topic.keywords),
            "kw2": rng.choice(topic.keywords + tuple(rng.sample(others, 3))),
            "year": str(year - rng.choice((0, 0, 1))),
            "quarter": rng.choice(QUARTERS),
            "region": rng.choice(REGIONS),
            "abroad": rng.choice(ABROAD),
            "org": rng.choice(GOV),
            "firm": rng.choice(self.firms),
            "person": rng.choice(self.experts).name,
            "pct": f"{rng.uniform(1.5, 48):.1f}",
            "amount": rng.choice((f"{rng.uniform(1.2, 95):.2f} 亿元", f"{rng.uniform(1.1, 9.8):.1f} 万亿元",
                                  f"{rng.randint(120, 9800)} 万美元", f"{rng.uniform(1.5, 60):.1f} 亿美元")),
            "count": str(rng.randint(30, 2600)),
            "count2": str(rng.randint(12, 40)),
            "small": str(rng.randint(2, 12)),
            "day": f"{rng.randint(1, 12)} 月 {rng.randint(1, 28)} 日",
            "place": rng.choice(PLACES),
            "source": rng.choice(SOURCES),
            "any": rng.choice(others),
            "stats": rng.choice(("统计显示", "数据显示", "据统计", "据初步统计", "调查显示")),
        }
        return template.format(**values)

    def _sentence(self, rng: random.Random, topic: Topic, year: int, used: set[str]) -> str:
        for _attempt in range(4):
            sentence = self._draw(rng, topic, year)
            if sentence not in used:
                break
        used.add(sentence)
        return sentence

    def _draw(self, rng: random.Random, topic: Topic, year: int) -> str:
        roll = rng.random()
        if roll < 0.45:
            return rng.choice(topic.sentences)
        if roll < 0.50 and topic.name in DEMO_TOPICS:
            return rng.choice(self.demo)
        if roll < 0.54:  # a sentence from a neighbouring topic: articles are never single-minded
            return rng.choice(rng.choice(TOPICS).sentences)
        return self._fill(rng, rng.choice(GENERIC), topic, year)

    def _paragraph(self, rng: random.Random, topic: Topic, year: int,
                   used: set[str] | None = None) -> str:
        used = set() if used is None else used
        return "".join(self._sentence(rng, topic, year, used) for _ in range(rng.randint(2, 6)))

    def _body(self, rng: random.Random, topic: Topic, year: int, length: int, *, news: bool,
              opening: str = "") -> str:
        parts: list[str] = []
        used: set[str] = set()
        size = 0
        if opening:
            parts.append(f"<p>{opening}{self._paragraph(rng, topic, year, used)}</p>")
            size += len(parts[-1])
        headings = iter(("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"))
        paragraph_no = 0
        while size < length:
            paragraph_no += 1
            if not news and paragraph_no % 4 == 2:
                head = next(headings, "")
                kw = rng.choice(topic.keywords)
                parts.append(f"<h2>{head}{kw}的{rng.choice(ASPECTS)}</h2>")
            text = self._paragraph(rng, topic, year, used)
            parts.append(f"<p>{text}</p>")
            size += len(text)
            if not news and paragraph_no == 5 and rng.random() < 0.35:
                items = "".join(f"<li>{self._fill(rng, rng.choice(GENERIC), topic, year)}</li>"
                                for _ in range(3))
                parts.append(f"<ul>{items}</ul>")
            if not news and paragraph_no == 7 and rng.random() < 0.25:
                rows = "".join(
                    f"<tr><td>{rng.choice(topic.keywords)}</td><td>{rng.uniform(1, 90):.1f}</td>"
                    f"<td>{rng.uniform(1, 90):.1f}</td><td>{rng.uniform(-5, 40):.1f}%</td></tr>"
                    for _ in range(3))
                parts.append(f"<table><thead><tr><th>指标</th><th>{year - 1} 年</th><th>{year} 年</th>"
                             f"<th>增长</th></tr></thead><tbody>{rows}</tbody></table>")
            if not news and paragraph_no == 9 and rng.random() < 0.3:
                parts.append(f"<blockquote><p>{rng.choice(topic.sentences)}</p></blockquote>")
        return "".join(parts)

    # ----------------------------------------------------------------- articles and issues
    def issue(self, number: int, year: int) -> IssueSpec:
        rng = random.Random(f"{self.seed}:{number}")
        articles: list[ArticleSpec] = []
        for section, count, topics, (shortest, longest) in SECTIONS:
            recurring = list(RECURRING.get(section, []))
            for index in range(count):
                topic = TOPIC_BY_NAME[rng.choice(topics)] if topics else rng.choice(SUBJECTS)
                length = rng.randint(shortest, longest)
                news = longest <= 1200
                opening = self._fill(rng, rng.choice(NEWS_OPENINGS), topic, year) if news else ""
                if recurring and index < len(recurring):
                    title = recurring[index]
                elif section in {"国内资讯", "国际资讯"}:
                    title = self._fill(rng, rng.choice(NEWS_TITLES), topic, year)
                else:
                    title = self._fill(rng, rng.choice(topic.titles), topic, year)
                body = self._body(rng, topic, year, length, news=news, opening=opening)
                credits: list[Credit] = []
                source = ""
                if section in {"国内资讯", "国际资讯"}:
                    source = rng.choice(SOURCES)
                elif section in {"协会动态"}:
                    credits = [Credit("协会秘书处", "")]
                else:
                    authors = rng.sample(self.experts, rng.choice((1, 1, 2, 2, 3)))
                    credits = [Credit(a.name, a.affiliation) for a in authors]
                    if len(authors) > 1 and rng.random() < 0.5:
                        credits[-1].note = authors[-1].affiliation
                plain = re.sub(r"<[^>]+>", "", body)
                summary = plain[: rng.randint(60, 110)].rstrip("，、；") + "……" if not news else ""
                subtitle = (f"兼论{rng.choice(REGIONS)}{rng.choice(topic.keywords)}的发展路径"
                            if section == "专家观点" and rng.random() < 0.4 else "")
                tags = sorted(set(rng.sample(topic.tags, min(len(topic.tags), rng.randint(1, 3)))))
                articles.append(ArticleSpec(section, topic.name, title[:300], subtitle, summary,
                                            body, tags, credits, source))
        lead = articles[0]
        note = (f"<p>本期“专家观点”栏目刊发{lead.credits[0].name if lead.credits else '专家'}"
                f"关于{lead.topic}的文章《{lead.title}》。"
                f"{self._paragraph(rng, TOPIC_BY_NAME[lead.topic], year)}</p>"
                f"<p>{self._paragraph(rng, rng.choice(TOPICS), year)}欢迎读者来稿、来信。</p>")
        return IssueSpec(number, "", note, articles)
