"""Catalogues for the demo district that `manage.py seed_demo` loads.

Plain data only: the organisation tree, project names and performance indicator templates per policy
domain, demo accounts and the pools people's names are drawn from. Names written "区…" stand for the
district's own units; the command puts the configured district name in front of them.
"""

from dataclasses import dataclass, field

from jixiao.organisations.models import Role
from jixiao.projects.models import Comparator, IndicatorCategory, ProgressType, ValueType

BUREAU = "区财政局"
BUDGET_SECTION = "预算股"
ECONOMIC_SECTION = "经济建设股"
SOCIAL_SECTION = "社会保障股"
COUNTERPART_SECTIONS = (BUDGET_SECTION, ECONOMIC_SECTION, SOCIAL_SECTION)
SUPERVISION_SECTION = "财政监督与绩效管理股"
AGENCY = "四川明诚会计师事务所有限公司"

# Towns are assigned to the counterpart sections in turn.
TOWNS = (
    "临江镇",
    "中和镇",
    "丰裕镇",
    "保和镇",
    "堪嘉镇",
    "伍隍镇",
    "石岭镇",
    "东峰镇",
    "南津镇",
    "松涛镇",
    "小院镇",
    "祥符镇",
    "宝台镇",
    "迎接镇",
    "老君镇",
    "忠义镇",
    "清水镇",
    "丹山镇",
    "双龙镇",
    "碑记镇",
)


@dataclass(frozen=True)
class SecondaryUnit:
    name: str
    projects: tuple[str, ...] = ()
    is_classified: bool = False


@dataclass(frozen=True)
class PrimaryUnit:
    """A first-level unit; `projects` narrows its domain's projects to those it runs (empty: all)."""

    name: str
    domain: str
    section: str
    projects: tuple[str, ...] = ()
    subunits: tuple[SecondaryUnit, ...] = ()


def _unit(name: str, *projects: str, classified: bool = False) -> SecondaryUnit:
    """A second-level unit; without projects of its own it runs those of its first-level unit."""
    return SecondaryUnit(name, projects, classified)


def _primary(name, domain, section, *subunits: str | SecondaryUnit, projects=()) -> PrimaryUnit:
    units = tuple(s if isinstance(s, SecondaryUnit) else SecondaryUnit(s) for s in subunits)
    return PrimaryUnit(name, domain, section, projects, units)


SCHOOL_PROJECTS = (
    "义务教育薄弱环节改善与能力提升",
    "学生营养改善计划",
    "中小学校舍维修改造",
    "家庭经济困难学生资助",
    "城乡义务教育公用经费保障",
    "智慧校园建设",
    "校园安全防控体系建设",
)
HOSPITAL_PROJECTS = (
    "医疗服务与保障能力提升",
    "公立医院综合改革补助",
    "紧密型县域医共体建设",
    "卫生应急能力建设",
)
TOWNSHIP_HOSPITAL_PROJECTS = ("基本公共卫生服务", "家庭医生签约服务", "基本药物制度补助", "老年健康服务")

PRIMARY_UNITS = (
    _primary(
        "区政府办公室",
        "general",
        BUDGET_SECTION,
        _unit("区政务服务中心", "政务服务能力提升", "12345政务服务便民热线运行"),
        _unit("区机关事务服务中心", "公务用车平台运行", "公共机构节能改造", "机关运行保障"),
        projects=("政务服务能力提升", "电子政务外网运维", "12345政务服务便民热线运行", "机关运行保障"),
    ),
    _primary(
        "区人大常委会办公室",
        "general",
        BUDGET_SECTION,
        projects=("人大代表履职服务", "人大代表之家建设", "机关运行保障", "档案数字化"),
    ),
    _primary(
        "区政协办公室",
        "general",
        BUDGET_SECTION,
        projects=("政协委员履职服务", "政协委员工作室建设", "机关运行保障", "档案数字化"),
    ),
    _primary(
        "区审计局",
        "general",
        BUDGET_SECTION,
        _unit("区政府投资审计中心", "政府投资审计", "审计信息化建设"),
        projects=("政府投资审计", "审计信息化建设", "机关运行保障"),
    ),
    _primary(
        "区信访局", "general", BUDGET_SECTION, projects=("信访维稳专项", "网上信访平台运行", "机关运行保障")
    ),
    _primary("区档案馆", "general", BUDGET_SECTION, projects=("档案数字化", "档案馆库房改造")),
    _primary(
        "区统计局",
        "general",
        BUDGET_SECTION,
        _unit("区统计普查中心", "统计调查与普查", "统计数据质量提升"),
        projects=("统计调查与普查", "统计数据质量提升", "机关运行保障"),
    ),
    _primary(
        "区公安分局",
        "public_safety",
        BUDGET_SECTION,
        _unit("区看守所", "监管场所运行保障", "警用装备购置"),
        _unit("区公安分局情报指挥中心", "公安信息化建设", "社会治安防控体系建设", classified=True),
        projects=(
            "公安信息化建设",
            "社会治安防控体系建设",
            "道路交通安全管理",
            "禁毒工作专项",
            "警用装备购置",
            "监管场所运行保障",
        ),
    ),
    _primary(
        "区人民武装部",
        "defense",
        BUDGET_SECTION,
        _unit("区民兵训练基地", "民兵军事训练", "民兵装备器材维护", classified=True),
    ),
    _primary(
        "区消防救援大队",
        "public_safety",
        BUDGET_SECTION,
        projects=("消防救援装备购置", "消防站建设", "应急救援能力建设", "森林草原防灭火"),
    ),
    _primary(
        "区司法局",
        "justice",
        BUDGET_SECTION,
        _unit("区公证处", "公证服务便民化", "公共法律服务体系建设"),
        _unit("区法律援助中心", "法律援助", "公共法律服务体系建设"),
        projects=("法律援助", "人民调解", "社区矫正", "普法宣传", "公共法律服务体系建设"),
    ),
    _primary(
        "区人民法院",
        "justice",
        BUDGET_SECTION,
        projects=("审判执行业务保障", "诉讼服务中心建设", "智慧法院建设"),
    ),
    _primary(
        "区人民检察院", "justice", BUDGET_SECTION, projects=("检察业务保障", "公益诉讼检察", "智慧检务建设")
    ),
    _primary(
        "区农业农村局",
        "agriculture",
        ECONOMIC_SECTION,
        _unit("区农业技术推广中心", "基层农技推广体系改革与建设", "粮食生产发展", "高标准农田建设"),
        _unit("区动物疫病预防控制中心", "动物防疫补助", "生猪生产稳定保供"),
        _unit("区农业综合行政执法大队", "农业综合行政执法", "农产品质量安全监管"),
        _unit("区农村经营管理站", "新型农村集体经济发展", "巩固拓展脱贫攻坚成果衔接资金", "耕地地力保护补贴"),
        _unit("区农产品质量安全检测中心", "农产品质量安全监管"),
        _unit("区种子管理站", "农作物种子质量监管", "粮食生产发展"),
    ),
    _primary(
        "区林业局",
        "natural_resources",
        ECONOMIC_SECTION,
        _unit("区林业技术推广站", "松材线虫病防治", "国土绿化"),
        _unit("区国有林场", "天然林保护", "森林防火", "国土绿化"),
        projects=("天然林保护", "森林防火", "国土绿化", "松材线虫病防治"),
    ),
    _primary(
        "区水利局",
        "water",
        ECONOMIC_SECTION,
        _unit("区水利工程管理站", "小型水库除险加固", "灌区续建配套与节水改造", "防汛抗旱"),
        _unit("区河湖保护中心", "河湖管护", "中小河流治理", "水资源节约保护"),
        _unit("区水土保持站", "水土保持综合治理"),
        _unit("区水库管理所", "小型水库除险加固", "防汛抗旱", "山洪灾害防治"),
    ),
    _primary(
        "区交通运输局",
        "transport",
        ECONOMIC_SECTION,
        _unit("区公路事务中心", "农村公路养护", "国省干线公路大中修", "危旧桥梁改造", "公路安全生命防护工程"),
        _unit("区交通运输综合行政执法大队", "交通运输综合执法保障"),
        _unit("区农村公路管理所", "农村公路养护", "农村公路建设"),
        _unit("区道路运输服务中心", "城乡客运一体化补贴", "乡镇客运站运营补助"),
    ),
    _primary(
        "区自然资源和规划局",
        "natural_resources",
        ECONOMIC_SECTION,
        _unit("区不动产登记中心", "不动产登记信息化建设"),
        _unit("区土地整理中心", "土地综合整治", "耕地保护补偿"),
        _unit("区测绘地理信息中心", "基础测绘", "国土空间规划编制"),
        projects=(
            "国土空间规划编制",
            "不动产登记信息化建设",
            "土地综合整治",
            "地质灾害防治",
            "耕地保护补偿",
            "基础测绘",
        ),
    ),
    _primary(
        "区住房和城乡建设局",
        "urban",
        ECONOMIC_SECTION,
        _unit("区建设工程质量安全监督站", "建设工程质量安全监督", "房屋安全隐患排查整治"),
        _unit("区园林绿化服务中心", "城市园林绿化管护"),
        _unit("区房屋征收与补偿服务中心", "国有土地上房屋征收补偿"),
        projects=(
            "城镇老旧小区改造",
            "保障性租赁住房建设",
            "农村危房改造",
            "房屋安全隐患排查整治",
            "城市排水防涝设施建设",
        ),
    ),
    _primary(
        "区城市管理局",
        "urban",
        ECONOMIC_SECTION,
        _unit("区环境卫生服务中心", "城市生活垃圾分类", "城市环境卫生保洁"),
        _unit("区市政设施维护中心", "市政道路维护", "城市排水防涝设施建设"),
        _unit("区数字化城市管理中心", "数字化城市管理"),
        projects=("城市生活垃圾分类", "市政道路维护", "城市园林绿化管护", "数字化城市管理", "背街小巷整治"),
    ),
    _primary(
        "区生态环境分局",
        "environment",
        ECONOMIC_SECTION,
        _unit("区环境监测站", "生态环境监测能力建设"),
    ),
    _primary(
        "区发展和改革局",
        "economy",
        ECONOMIC_SECTION,
        _unit("区粮食和物资储备中心", "地方储备粮管理", "应急物资储备"),
        projects=("重大项目前期工作", "服务业发展引导资金", "地方储备粮管理", "应急物资储备"),
    ),
    _primary(
        "区经济和信息化局",
        "economy",
        ECONOMIC_SECTION,
        _unit("区中小企业服务中心", "中小企业发展专项"),
        projects=("中小企业发展专项", "工业园区基础设施建设", "数字经济发展"),
    ),
    _primary(
        "区商务局",
        "economy",
        ECONOMIC_SECTION,
        projects=("电子商务进农村综合示范", "促进消费专项", "外贸稳增长"),
    ),
    _primary("区投资促进局", "economy", ECONOMIC_SECTION, projects=("招商引资专项", "产业招商推介活动")),
    _primary(
        "区市场监督管理局",
        "market",
        ECONOMIC_SECTION,
        _unit("区食品药品检验所", "食品安全抽检监测", "药品医疗器械监管"),
        _unit("区计量检测所", "计量器具强制检定", "特种设备安全监察"),
    ),
    _primary(
        "区应急管理局",
        "public_safety",
        ECONOMIC_SECTION,
        _unit("区应急救援中心", "应急救援能力建设", "森林草原防灭火"),
        _unit("区地震服务中心", "地震监测预警能力建设", "自然灾害综合风险普查"),
        projects=(
            "应急救援能力建设",
            "安全生产监管",
            "安全生产专项整治",
            "自然灾害综合风险普查",
            "森林草原防灭火",
        ),
    ),
    _primary(
        "区教育局",
        "education",
        SOCIAL_SECTION,
        _unit("区第一中学", *SCHOOL_PROJECTS, "普通高中教育质量提升"),
        _unit("区第二中学", *SCHOOL_PROJECTS, "普通高中教育质量提升"),
        _unit("区第三中学", *SCHOOL_PROJECTS),
        _unit("区实验小学", *SCHOOL_PROJECTS),
        _unit("区城东小学", *SCHOOL_PROJECTS),
        _unit("区城南小学", *SCHOOL_PROJECTS),
        _unit(
            "区职业技术学校",
            "职业教育产教融合实训基地建设",
            "家庭经济困难学生资助",
            "智慧校园建设",
            "校园安全防控体系建设",
        ),
        _unit("区特殊教育学校", "特殊教育发展提升", "校园安全防控体系建设", "中小学校舍维修改造"),
        _unit("区机关幼儿园", "学前教育发展资金", "校园安全防控体系建设"),
        _unit("区教师发展中心", "中小学教师培训", "普通高中教育质量提升"),
        _unit("临江镇中心学校", *SCHOOL_PROJECTS),
        _unit("中和镇中心学校", *SCHOOL_PROJECTS),
    ),
    _primary(
        "区卫生健康局",
        "health",
        SOCIAL_SECTION,
        _unit("区人民医院", *HOSPITAL_PROJECTS),
        _unit("区第二人民医院", *HOSPITAL_PROJECTS),
        _unit("区中医医院", *HOSPITAL_PROJECTS, "中医药传承创新发展"),
        _unit("区妇幼保健院", "妇幼健康服务", "医疗服务与保障能力提升"),
        _unit(
            "区疾病预防控制中心",
            "重大传染病防控",
            "疾病预防控制体系建设",
            "基本公共卫生服务",
            "卫生应急能力建设",
        ),
        _unit("区精神卫生中心", "医疗服务与保障能力提升", "基本公共卫生服务"),
        _unit("区卫生健康综合执法大队", "卫生健康监督执法"),
        _unit("临江镇中心卫生院", *TOWNSHIP_HOSPITAL_PROJECTS),
        _unit("中和镇中心卫生院", *TOWNSHIP_HOSPITAL_PROJECTS),
        _unit("保和镇卫生院", *TOWNSHIP_HOSPITAL_PROJECTS),
        projects=(
            "基本公共卫生服务",
            "家庭医生签约服务",
            "重大传染病防控",
            "妇幼健康服务",
            "紧密型县域医共体建设",
            "中医药传承创新发展",
            "卫生应急能力建设",
            "老年健康服务",
            "公立医院综合改革补助",
        ),
    ),
    _primary(
        "区医疗保障局",
        "health",
        SOCIAL_SECTION,
        "区医疗保障事务中心",
        projects=("医疗救助", "医保基金监管"),
    ),
    _primary(
        "区民政局",
        "civil_affairs",
        SOCIAL_SECTION,
        _unit("区社会福利院", "特困人员救助供养", "社区居家养老服务"),
        _unit("区救助管理站", "流浪乞讨人员救助", "临时救助"),
        _unit("区殡仪馆", "殡葬改革惠民", "殡仪设施设备更新"),
        _unit("区婚姻登记中心", "婚姻登记服务提升"),
        projects=(
            "城乡最低生活保障",
            "特困人员救助供养",
            "临时救助",
            "残疾人两项补贴",
            "高龄津贴",
            "社区居家养老服务",
            "困境儿童保障",
            "殡葬改革惠民",
            "社会组织培育",
        ),
    ),
    _primary(
        "区退役军人事务局",
        "civil_affairs",
        SOCIAL_SECTION,
        _unit("区退役军人服务中心", "退役军人就业创业扶持", "优抚对象抚恤补助"),
        _unit("区光荣院", "光荣院改造提升"),
        projects=("优抚对象抚恤补助", "光荣院改造提升", "退役军人就业创业扶持"),
    ),
    _primary(
        "区残疾人联合会",
        "civil_affairs",
        SOCIAL_SECTION,
        _unit("区残疾人康复中心", "残疾人康复救助"),
        projects=("残疾人康复救助", "残疾人就业帮扶", "残疾人家庭无障碍改造"),
    ),
    _primary(
        "区妇女联合会",
        "civil_affairs",
        SOCIAL_SECTION,
        projects=("妇女儿童关爱服务", "“两癌”困难妇女救助", "困境儿童保障"),
    ),
    _primary("区红十字会", "civil_affairs", SOCIAL_SECTION, projects=("红十字应急救护培训", "人道救助")),
    _primary(
        "区人力资源和社会保障局",
        "employment",
        SOCIAL_SECTION,
        _unit("区社会保险事务中心", "城乡居民基本养老保险补助"),
        _unit("区就业服务中心", "就业创业补助", "公益性岗位补贴", "高校毕业生就业见习", "职业技能提升行动"),
        _unit("区劳动人事争议仲裁院", "劳动人事争议调解仲裁"),
        _unit("区人才服务中心", "人才引进与培育"),
        projects=(
            "就业创业补助",
            "职业技能提升行动",
            "公益性岗位补贴",
            "城乡居民基本养老保险补助",
            "农民工工资支付保障",
            "人才引进与培育",
            "劳动保障监察",
            "高校毕业生就业见习",
        ),
    ),
    _primary(
        "区总工会",
        "employment",
        SOCIAL_SECTION,
        "区职工服务中心",
        projects=("困难职工帮扶", "职工技能竞赛", "职工疗休养"),
    ),
    _primary(
        "区文化广播电视和旅游局",
        "culture",
        SOCIAL_SECTION,
        _unit("区图书馆", "公共图书馆免费开放"),
        _unit("区文化馆", "文化馆（站）免费开放", "送文化下乡", "非物质文化遗产保护"),
        _unit("区文物保护中心", "文物保护修缮"),
        _unit("区博物馆", "博物馆陈列提升", "文物保护修缮"),
        projects=(
            "公共文化服务体系建设",
            "文物保护修缮",
            "非物质文化遗产保护",
            "送文化下乡",
            "乡村旅游提升",
            "应急广播体系建设",
        ),
    ),
    _primary("区融媒体中心", "culture", SOCIAL_SECTION, projects=("融媒体中心运行保障", "应急广播体系建设")),
    _primary("区体育事业发展中心", "culture", SOCIAL_SECTION, projects=("全民健身设施建设", "体育赛事活动")),
)


@dataclass(frozen=True)
class IndicatorTemplate:
    """A 三级 indicator a project may carry; the seed draws its target from the range or choices."""

    category: str
    name: str
    unit: str
    comparator: str
    value_type: str
    progress_type: str
    low: int = 0
    high: int = 0
    step: int = 1
    due: tuple[tuple[int, int], ...] = ()
    target_text: str = ""
    per_budget: bool = False


def _amount(category, name, unit, low, high, step=1, comparator=Comparator.AT_LEAST, progress=None):
    """A counted or measured quantity; counts grow over the year, unit costs and standards are a level."""
    if progress is None:
        progress = ProgressType.CUMULATIVE if comparator == Comparator.AT_LEAST else ProgressType.LEVEL
    return IndicatorTemplate(category, name, unit, comparator, ValueType.NUMBER, progress, low, high, step)


def _percent(category, name, low, high, step=1, comparator=Comparator.AT_LEAST):
    """A rate that should hold at any time of the year (合格率, 满意度)."""
    return IndicatorTemplate(
        category, name, "%", comparator, ValueType.PERCENT, ProgressType.LEVEL, low, high, step
    )


def _deadline(category, name, *due):
    """A completion date in the project's year, as (month, day) choices."""
    return IndicatorTemplate(
        category, name, "", Comparator.AT_MOST, ValueType.DATE, ProgressType.LEVEL, due=tuple(due)
    )


def _qualitative(category, name, target):
    return IndicatorTemplate(
        category, name, "", Comparator.QUALITATIVE, ValueType.TEXT, ProgressType.LEVEL, target_text=target
    )


def _total_cost(name):
    """The project's whole cost, capped at its budget in 万元."""
    return IndicatorTemplate(
        IndicatorCategory.COST,
        name,
        "万元",
        Comparator.AT_MOST,
        ValueType.NUMBER,
        ProgressType.CUMULATIVE,
        per_budget=True,
    )


QUANTITY = IndicatorCategory.QUANTITY
QUALITY = IndicatorCategory.QUALITY
TIMELINESS = IndicatorCategory.TIMELINESS
COST = IndicatorCategory.COST
ECONOMIC = IndicatorCategory.ECONOMIC
SOCIAL = IndicatorCategory.SOCIAL
ECOLOGICAL = IndicatorCategory.ECOLOGICAL
SUSTAINABILITY = IndicatorCategory.SUSTAINABILITY
SATISFACTION = IndicatorCategory.BENEFICIARY_SATISFACTION
EQUAL = Comparator.EQUAL
AT_MOST = Comparator.AT_MOST


def _count(name, unit, low, high, step=1):
    """A 数量指标: how much of something the project delivers over the year."""
    return _amount(QUANTITY, name, unit, low, high, step)


@dataclass(frozen=True)
class ProjectTemplate:
    """A project name with the indicators that belong to that project alone (its 数量指标 at least)."""

    name: str
    indicators: tuple[IndicatorTemplate, ...] = field(repr=False)


def _project(name, *indicators):
    return ProjectTemplate(name, indicators)


@dataclass(frozen=True)
class Domain:
    """A policy area: the projects its units run, what they aim at, and the indicators they share."""

    outcome: str
    projects: tuple[ProjectTemplate, ...]
    indicators: tuple[IndicatorTemplate, ...] = field(repr=False)


DOMAINS = {
    "education": Domain(
        outcome="改善办学条件，促进义务教育优质均衡发展",
        projects=(
            _project(
                "义务教育薄弱环节改善与能力提升",
                _count("改善办学条件学校", "所", 3, 20),
                _count("新建改扩建校舍面积", "平方米", 1000, 8000, 100),
                _deadline(TIMELINESS, "校舍改造完工时间", (8, 25), (8, 31), (10, 31)),
            ),
            _project(
                "学生营养改善计划",
                _count("受益学生人数", "人", 3000, 30000, 500),
                _count("供餐学校", "所", 10, 60),
                _percent(QUALITY, "营养餐食品安全抽检合格率", 100, 100, comparator=EQUAL),
                _amount(COST, "生均营养膳食补助标准", "元/天", 5, 5, comparator=EQUAL),
            ),
            _project(
                "学前教育发展资金",
                _count("补助普惠性幼儿园", "所", 5, 40),
                _count("受益幼儿", "人", 1000, 10000, 100),
            ),
            _project(
                "中小学校舍维修改造",
                _count("维修改造校舍面积", "平方米", 1000, 10000, 100),
                _deadline(TIMELINESS, "暑期维修完工时间", (8, 25), (8, 31)),
            ),
            _project("中小学教师培训", _count("教师培训人次", "人次", 200, 1500, 50)),
            _project(
                "家庭经济困难学生资助",
                _count("资助学生人次", "人次", 500, 8000, 100),
                _percent(QUALITY, "资助对象认定准确率", 100, 100, comparator=EQUAL),
            ),
            _project("城乡义务教育公用经费保障", _count("保障在校学生人数", "人", 10000, 60000, 1000)),
            _project(
                "智慧校园建设",
                _count("建设智慧教室", "间", 20, 300, 10),
                _count("购置教学设备", "台（套）", 50, 800, 10),
            ),
            _project("普通高中教育质量提升", _count("开展教研活动", "次", 20, 120, 5)),
            _project(
                "职业教育产教融合实训基地建设",
                _count("建设实训室", "个", 3, 20),
                _count("开展职业技能培训", "人次", 200, 2000, 50),
            ),
            _project("校园安全防控体系建设", _count("安装校园视频监控", "个", 100, 1500, 50)),
            _project("特殊教育发展提升", _count("送教上门学生", "人", 20, 200, 5)),
        ),
        indicators=(
            _percent(QUALITY, "工程及设备验收合格率", 95, 99),
            _deadline(TIMELINESS, "项目完成时间", (11, 30), (12, 31)),
            _percent(SOCIAL, "九年义务教育巩固率", 96, 99),
            _qualitative(SOCIAL, "义务教育均衡发展水平", "进一步提升"),
            _qualitative(SUSTAINABILITY, "学校办学条件改善成效", "持续发挥"),
            _percent(SATISFACTION, "学生及家长满意度", 85, 95, 5),
        ),
    ),
    "health": Domain(
        outcome="提升基层医疗卫生服务能力，保障群众基本公共卫生服务需求",
        projects=(
            _project(
                "基本公共卫生服务",
                _count("建立居民电子健康档案", "份", 10000, 200000, 5000),
                _count("65岁及以上老年人健康管理人数", "人", 3000, 30000, 500),
                _percent(QUALITY, "高血压患者规范管理率", 60, 75, 5),
                _amount(COST, "人均基本公共卫生服务经费补助标准", "元", 94, 94, comparator=EQUAL),
            ),
            _project(
                "家庭医生签约服务",
                _count("家庭医生签约人数", "人", 5000, 60000, 1000),
                _percent(QUALITY, "重点人群签约服务覆盖率", 70, 80, 5),
            ),
            _project("基本药物制度补助", _count("补助基层医疗卫生机构", "个", 10, 40)),
            _project("医疗服务与保障能力提升", _count("新增医疗设备", "台（套）", 10, 200, 5)),
            _project("重大传染病防控", _count("重点人群传染病筛查", "人次", 5000, 50000, 1000)),
            _project(
                "妇幼健康服务",
                _count("孕产妇系统管理人数", "人", 1000, 8000, 100),
                _count("适龄妇女“两癌”筛查人数", "人", 2000, 20000, 500),
            ),
            _project("紧密型县域医共体建设", _count("纳入医共体的基层医疗卫生机构", "个", 10, 40)),
            _project("中医药传承创新发展", _count("建设基层中医馆", "个", 2, 20)),
            _project("卫生应急能力建设", _count("开展卫生应急演练", "次", 5, 40)),
            _project("老年健康服务", _count("老年人健康体检人数", "人", 5000, 40000, 1000)),
            _project("公立医院综合改革补助", _count("补助公立医院", "家", 2, 6)),
            _project("疾病预防控制体系建设", _count("免疫规划疫苗接种剂次", "剂次", 5000, 50000, 1000)),
            _project("医疗救助", _count("医疗救助人次", "人次", 2000, 30000, 500)),
            _project("医保基金监管", _count("检查定点医药机构", "家", 50, 400, 10)),
            _project("卫生健康监督执法", _count("开展卫生监督检查", "户次", 500, 5000, 100)),
        ),
        indicators=(
            _percent(QUALITY, "医疗设备验收合格率", 95, 99),
            _deadline(TIMELINESS, "补助资金拨付完成时间", (6, 30), (9, 30), (12, 31)),
            _percent(SOCIAL, "传染病报告及时率", 95, 99),
            _qualitative(SOCIAL, "居民健康素养水平", "持续提升"),
            _qualitative(SUSTAINABILITY, "基层医疗卫生服务能力", "持续增强"),
            _percent(SATISFACTION, "服务对象满意度", 85, 95, 5),
        ),
    ),
    "civil_affairs": Domain(
        outcome="兜牢困难群众基本生活底线，提升社会救助和养老服务水平",
        projects=(
            _project(
                "城乡最低生活保障",
                _count("城乡低保保障人数", "人", 500, 8000, 100),
                _amount(COST, "城市低保月人均补助标准", "元", 600, 700, 10, progress=ProgressType.LEVEL),
            ),
            _project("特困人员救助供养", _count("特困人员救助供养人数", "人", 50, 600, 10)),
            _project("临时救助", _count("临时救助人次", "人次", 200, 3000, 50)),
            _project("残疾人两项补贴", _count("残疾人两项补贴发放人次", "人次", 1000, 20000, 500)),
            _project("高龄津贴", _count("高龄津贴发放人数", "人", 1000, 10000, 100)),
            _project(
                "社区居家养老服务",
                _count("新增社区养老服务床位", "张", 20, 300, 10),
                _count("提供居家养老上门服务", "人次", 1000, 20000, 500),
            ),
            _project("困境儿童保障", _count("保障困境儿童", "人", 50, 800, 10)),
            _project("殡葬改革惠民", _count("减免基本殡葬服务费用", "人次", 500, 5000, 100)),
            _project("优抚对象抚恤补助", _count("发放抚恤补助", "人", 500, 5000, 100)),
            _project("光荣院改造提升", _count("改造提升床位", "张", 20, 120, 5)),
            _project("残疾人康复救助", _count("残疾儿童康复救助人数", "人", 50, 600, 10)),
            _project("社会组织培育", _count("培育孵化社会组织", "个", 5, 40)),
            _project("退役军人就业创业扶持", _count("开展退役军人技能培训", "人次", 100, 1000, 50)),
            _project("残疾人就业帮扶", _count("帮扶残疾人就业", "人", 50, 500, 10)),
            _project("残疾人家庭无障碍改造", _count("改造残疾人家庭", "户", 20, 300, 10)),
            _project("妇女儿童关爱服务", _count("开展关爱服务活动", "场次", 20, 200, 10)),
            _project("“两癌”困难妇女救助", _count("救助“两癌”困难妇女", "人", 20, 200, 5)),
            _project("红十字应急救护培训", _count("培训应急救护人员", "人次", 500, 5000, 100)),
            _project("人道救助", _count("救助困难群众", "人次", 100, 1500, 50)),
            _project("婚姻登记服务提升", _count("办理婚姻登记", "对", 1000, 6000, 100)),
            _project("流浪乞讨人员救助", _count("救助流浪乞讨人员", "人次", 100, 1500, 50)),
            _project("殡仪设施设备更新", _count("更新殡仪设施设备", "台（套）", 2, 20)),
        ),
        indicators=(
            _percent(QUALITY, "补助资金发放准确率", 100, 100, comparator=EQUAL),
            _percent(QUALITY, "救助对象认定准确率", 95, 99),
            _percent(TIMELINESS, "补助资金按月足额发放率", 100, 100, comparator=EQUAL),
            _qualitative(SOCIAL, "困难群众基本生活", "得到有效保障"),
            _qualitative(SUSTAINABILITY, "社会救助兜底保障机制", "持续完善"),
            _percent(SATISFACTION, "服务对象满意度", 85, 95, 5),
        ),
    ),
    "employment": Domain(
        outcome="稳定和扩大就业，提升劳动者技能水平和社会保障水平",
        projects=(
            _project(
                "就业创业补助",
                _count("发放创业担保贷款", "笔", 50, 600, 10),
                _count("城镇新增就业人数", "人", 1000, 6000, 100),
            ),
            _project(
                "职业技能提升行动",
                _count("培训人数", "人", 500, 5000, 100),
                _percent(QUALITY, "培训合格率", 85, 95, 5),
                _amount(COST, "人均培训补贴标准", "元", 800, 2000, 100, comparator=AT_MOST),
                _percent(ECONOMIC, "培训后就业率", 60, 80, 5),
            ),
            _project("公益性岗位补贴", _count("开发公益性岗位", "个", 50, 500, 10)),
            _project(
                "城乡居民基本养老保险补助", _count("城乡居民养老保险待遇领取人数", "人", 20000, 120000, 1000)
            ),
            _project("农民工工资支付保障", _count("开展欠薪专项检查", "家次", 100, 1000, 50)),
            _project("人才引进与培育", _count("引进急需紧缺人才", "人", 20, 200, 5)),
            _project("劳动保障监察", _count("检查用人单位", "户", 200, 2000, 50)),
            _project("高校毕业生就业见习", _count("就业见习人数", "人", 50, 400, 10)),
            _project("困难职工帮扶", _count("帮扶困难职工", "人", 100, 1500, 50)),
            _project("职工技能竞赛", _count("举办职工技能竞赛", "场", 5, 40)),
            _project("职工疗休养", _count("组织职工疗休养", "人次", 200, 2000, 50)),
            _project("劳动人事争议调解仲裁", _count("办结劳动人事争议案件", "件", 200, 2000, 50)),
        ),
        indicators=(
            _percent(QUALITY, "补贴资金发放准确率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "补贴资金拨付完成时间", (11, 30), (12, 31)),
            _amount(ECONOMIC, "带动就业人员增收", "万元", 100, 1500, 50),
            _percent(SOCIAL, "城镇调查失业率", 5, 5, comparator=AT_MOST),
            _qualitative(SUSTAINABILITY, "就业公共服务体系", "持续完善"),
            _percent(SATISFACTION, "服务对象满意度", 85, 95, 5),
        ),
    ),
    "culture": Domain(
        outcome="丰富群众精神文化生活，保护传承历史文化遗产",
        projects=(
            _project("公共文化服务体系建设", _count("建设村（社区）综合性文化服务中心", "个", 5, 40)),
            _project(
                "公共图书馆免费开放",
                _count("接待读者", "人次", 20000, 200000, 5000),
                _count("新增馆藏图书", "册", 5000, 50000, 1000),
            ),
            _project("文化馆（站）免费开放", _count("开展公益文化活动", "场次", 50, 500, 10)),
            _project(
                "文物保护修缮",
                _count("修缮文物保护单位", "处", 1, 8),
                _percent(QUALITY, "文物修缮工程验收合格率", 100, 100, comparator=EQUAL),
            ),
            _project("非物质文化遗产保护", _count("开展非遗展演展示活动", "场次", 10, 80)),
            _project("全民健身设施建设", _count("新建全民健身路径", "条", 10, 80)),
            _project("送文化下乡", _count("送文化下乡演出", "场", 20, 200, 10)),
            _project(
                "乡村旅游提升",
                _count("打造乡村旅游示范点", "个", 2, 12),
                _amount(ECONOMIC, "带动旅游综合收入", "万元", 500, 10000, 100),
            ),
            _project("博物馆陈列提升", _count("更新陈列展品", "件", 50, 500, 10)),
            _project("应急广播体系建设", _count("新建应急广播终端", "个", 200, 2000, 50)),
            _project("融媒体中心运行保障", _count("发布新闻稿件", "条", 3000, 20000, 500)),
            _project("体育赛事活动", _count("举办体育赛事活动", "场次", 10, 80)),
        ),
        indicators=(
            _percent(QUALITY, "活动开展达标率", 95, 99),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "群众文化生活", "更加丰富"),
            _qualitative(SUSTAINABILITY, "公共文化服务体系", "持续健全"),
            _percent(SATISFACTION, "群众满意度", 85, 95, 5),
        ),
    ),
    "agriculture": Domain(
        outcome="夯实粮食安全基础，促进农业增效、农民增收",
        projects=(
            _project(
                "高标准农田建设",
                _count("建成高标准农田面积", "亩", 2000, 30000, 500),
                _amount(COST, "高标准农田亩均投资", "元/亩", 1500, 3000, 100, comparator=AT_MOST),
                _amount(ECONOMIC, "新增粮食产能", "万斤", 100, 2000, 50),
            ),
            _project(
                "耕地地力保护补贴",
                _count("耕地地力保护补贴面积", "亩", 20000, 300000, 10000),
                _count("补贴农户", "户", 10000, 100000, 1000),
                _deadline(TIMELINESS, "补贴资金发放完成时间", (4, 30), (5, 31)),
            ),
            _project("农机购置与应用补贴", _count("补贴农机具", "台（套）", 100, 2000, 50)),
            _project("动物防疫补助", _count("强制免疫畜禽", "万头（只）", 10, 200, 5)),
            _project(
                "农产品质量安全监管",
                _count("农产品质量安全抽检", "批次", 200, 2000, 50),
                _percent(QUALITY, "农产品质量安全抽检合格率", 97, 99),
            ),
            _project("粮食生产发展", _count("粮食播种面积", "万亩", 20, 80)),
            _project("现代农业园区建设", _count("建设现代农业园区", "个", 1, 6)),
            _project("农业产业化龙头企业培育", _count("培育区级以上龙头企业", "家", 3, 20)),
            _project("新型农村集体经济发展", _count("扶持村集体经济组织", "个", 5, 40)),
            _project("生猪生产稳定保供", _count("生猪出栏", "万头", 20, 80)),
            _project(
                "基层农技推广体系改革与建设",
                _count("推广农业主推技术", "项", 3, 20),
                _count("培训高素质农民", "人次", 100, 2000, 50),
            ),
            _project("巩固拓展脱贫攻坚成果衔接资金", _count("实施产业帮扶项目", "个", 5, 40)),
            _project("农业综合行政执法", _count("开展农业执法检查", "次", 50, 500, 10)),
            _project("农作物种子质量监管", _count("抽检种子样品", "份", 50, 500, 10)),
        ),
        indicators=(
            _percent(QUALITY, "项目验收合格率", 95, 99),
            _deadline(TIMELINESS, "项目完成时间", (10, 31), (11, 30), (12, 31)),
            _amount(ECONOMIC, "带动农户增收", "万元", 200, 5000, 100),
            _qualitative(ECOLOGICAL, "化肥农药使用量", "零增长"),
            _qualitative(SUSTAINABILITY, "农业设施管护机制", "建立健全"),
            _percent(SATISFACTION, "受益农户满意度", 85, 95, 5),
        ),
    ),
    "water": Domain(
        outcome="提升防洪减灾和供水保障能力，改善河湖生态环境",
        projects=(
            _project(
                "小型水库除险加固",
                _count("除险加固小型水库", "座", 1, 12),
                _deadline(TIMELINESS, "主汛期前完成主体工程时间", (5, 31), (6, 15)),
            ),
            _project(
                "农村饮水安全巩固提升",
                _count("巩固提升农村供水人口", "人", 2000, 40000, 1000),
                _percent(QUALITY, "农村集中供水水质达标率", 90, 95, 5),
            ),
            _project(
                "河湖管护",
                _count("开展河湖巡查", "次", 200, 2000, 50),
                _count("清理河道长度", "公里", 10, 100, 5),
            ),
            _project("山洪灾害防治", _count("新建自动监测站点", "个", 5, 40)),
            _project("水土保持综合治理", _count("新增水土流失治理面积", "平方公里", 2, 30)),
            _project(
                "灌区续建配套与节水改造",
                _count("改造渠系", "公里", 5, 60),
                _amount(ECONOMIC, "新增恢复灌溉面积", "亩", 1000, 20000, 500),
            ),
            _project("中小河流治理", _count("治理河道长度", "公里", 2, 30)),
            _project("水资源节约保护", _count("建成节水型单位", "个", 5, 40)),
            _project("防汛抗旱", _count("开展防汛抢险演练", "次", 5, 30)),
        ),
        indicators=(
            _percent(QUALITY, "工程质量合格率", 95, 99),
            _deadline(TIMELINESS, "工程完工时间", (10, 31), (11, 30), (12, 31)),
            _percent(ECOLOGICAL, "河湖水质优良比例", 85, 95, 5),
            _qualitative(ECOLOGICAL, "河湖生态环境", "明显改善"),
            _qualitative(SOCIAL, "防洪减灾和供水保障能力", "明显增强"),
            _qualitative(SUSTAINABILITY, "工程运行管护", "长效有序"),
            _percent(SATISFACTION, "受益群众满意度", 85, 95, 5),
        ),
    ),
    "transport": Domain(
        outcome="改善农村交通条件，保障公路安全畅通",
        projects=(
            _project(
                "农村公路养护",
                _count("农村公路养护里程", "公里", 100, 1500, 10),
                _percent(QUALITY, "农村公路优良中等路率", 75, 85, 5),
                _amount(COST, "每公里养护成本", "万元/公里", 1, 3, comparator=AT_MOST),
            ),
            _project("农村公路建设", _count("新改建农村公路", "公里", 10, 120, 5)),
            _project("危旧桥梁改造", _count("改造危旧桥梁", "座", 2, 20)),
            _project("公路安全生命防护工程", _count("实施公路安全生命防护工程", "公里", 10, 200, 5)),
            _project(
                "城乡客运一体化补贴",
                _count("补贴营运客车", "辆", 50, 400, 10),
                _percent(SOCIAL, "具备条件的建制村通客车率", 100, 100, comparator=EQUAL),
            ),
            _project("交通运输综合执法保障", _count("开展路面执法检查", "次", 200, 2000, 50)),
            _project("乡镇客运站运营补助", _count("补助乡镇客运站", "个", 3, 20)),
            _project("国省干线公路大中修", _count("大中修里程", "公里", 5, 60)),
        ),
        indicators=(
            _percent(QUALITY, "交工验收合格率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "工程完工时间", (10, 31), (11, 30), (12, 31)),
            _qualitative(ECONOMIC, "沿线群众出行和农产品运输成本", "有效降低"),
            _qualitative(SOCIAL, "群众出行条件", "明显改善"),
            _qualitative(SUSTAINABILITY, "农村公路管护长效机制", "有效运行"),
            _percent(SATISFACTION, "沿线群众满意度", 85, 95, 5),
        ),
    ),
    "natural_resources": Domain(
        outcome="严守耕地保护红线，提升国土空间治理和生态保护水平",
        projects=(
            _project(
                "国土空间规划编制",
                _count("完成村庄规划编制", "个", 5, 60),
                _deadline(TIMELINESS, "规划成果报批时间", (9, 30), (12, 31)),
            ),
            _project("不动产登记信息化建设", _count("办理不动产登记业务", "件", 5000, 40000, 1000)),
            _project(
                "土地综合整治",
                _count("完成土地整治面积", "亩", 500, 10000, 100),
                _percent(QUALITY, "新增耕地验收合格率", 100, 100, comparator=EQUAL),
                _amount(ECONOMIC, "新增耕地指标交易收益", "万元", 500, 8000, 100),
            ),
            _project(
                "地质灾害防治",
                _count("治理地质灾害隐患点", "处", 2, 20),
                _qualitative(SOCIAL, "受地质灾害威胁群众生命财产安全", "得到有效保障"),
            ),
            _project("耕地保护补偿", _count("落实耕地保护面积", "万亩", 20, 80)),
            _project("天然林保护", _count("管护天然林面积", "万亩", 5, 50)),
            _project("森林防火", _count("开展森林防火巡查", "次", 200, 2000, 50)),
            _project(
                "国土绿化",
                _count("完成营造林面积", "亩", 500, 8000, 100),
                _percent(QUALITY, "造林成活率", 85, 95, 5),
            ),
            _project("松材线虫病防治", _count("清理病死松树", "株", 1000, 20000, 500)),
            _project("基础测绘", _count("完成大比例尺地形图测绘", "平方公里", 10, 200, 5)),
        ),
        indicators=(
            _percent(QUALITY, "成果验收合格率", 95, 99),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _percent(ECOLOGICAL, "森林覆盖率", 40, 45),
            _qualitative(ECOLOGICAL, "区域生态环境", "持续改善"),
            _qualitative(SUSTAINABILITY, "耕地和林地保护长效机制", "有效落实"),
            _percent(SATISFACTION, "群众满意度", 85, 95, 5),
        ),
    ),
    "urban": Domain(
        outcome="改善城镇人居环境，提升城市精细化管理水平",
        projects=(
            _project(
                "城镇老旧小区改造",
                _count("改造老旧小区", "个", 3, 40),
                _count("惠及居民户数", "户", 300, 6000, 100),
                _amount(COST, "老旧小区户均改造成本", "万元/户", 2, 5, comparator=AT_MOST),
            ),
            _project(
                "城市生活垃圾分类",
                _count("新增生活垃圾分类小区", "个", 10, 100, 5),
                _percent(QUALITY, "生活垃圾无害化处理率", 100, 100, comparator=EQUAL),
            ),
            _project("市政道路维护", _count("维护市政道路面积", "万平方米", 5, 80)),
            _project("城市园林绿化管护", _count("管护园林绿地面积", "万平方米", 20, 300, 10)),
            _project("保障性租赁住房建设", _count("筹集保障性租赁住房", "套", 100, 1500, 50)),
            _project("农村危房改造", _count("改造农村危房", "户", 20, 300, 5)),
            _project("城市排水防涝设施建设", _count("新建改造排水管网", "公里", 2, 30)),
            _project("数字化城市管理", _count("处置城市管理案件", "件", 5000, 50000, 1000)),
            _project("背街小巷整治", _count("整治背街小巷", "条", 10, 80)),
            _project("房屋安全隐患排查整治", _count("排查房屋", "栋", 1000, 20000, 500)),
            _project("建设工程质量安全监督", _count("开展工程质量安全监督检查", "次", 100, 1000, 50)),
            _project("国有土地上房屋征收补偿", _count("完成房屋征收", "户", 50, 800, 10)),
            _project("城市环境卫生保洁", _count("清扫保洁面积", "万平方米", 50, 500, 10)),
        ),
        indicators=(
            _percent(QUALITY, "工程竣工验收合格率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "居民居住条件", "明显改善"),
            _qualitative(ECOLOGICAL, "城市人居环境", "明显改善"),
            _qualitative(SUSTAINABILITY, "城市长效管理机制", "建立健全"),
            _percent(SATISFACTION, "居民满意度", 85, 95, 5),
        ),
    ),
    "environment": Domain(
        outcome="持续改善生态环境质量，守住环境安全底线",
        projects=(
            _project(
                "大气污染防治",
                _count("开展大气污染源执法检查", "家次", 100, 1000, 50),
                _percent(ECOLOGICAL, "空气质量优良天数比率", 85, 92),
                _amount(ECOLOGICAL, "细颗粒物（PM2.5）年均浓度", "微克/立方米", 30, 38, comparator=AT_MOST),
            ),
            _project(
                "水污染防治",
                _count("整治入河排污口", "个", 5, 60),
                _percent(ECOLOGICAL, "国省控断面水质达标率", 100, 100, comparator=EQUAL),
            ),
            _project("土壤污染防治", _count("开展土壤污染状况调查地块", "块", 5, 40)),
            _project(
                "生态环境监测能力建设",
                _count("开展环境监测", "次", 100, 1500, 50),
                _percent(QUALITY, "监测数据有效率", 95, 99),
            ),
            _project("农村环境综合整治", _count("完成环境整治建制村", "个", 5, 40)),
            _project("集中式饮用水水源地保护", _count("设置水源地保护区标识标牌", "块", 20, 200, 10)),
            _project("固体废物污染防治", _count("规范化处置危险废物", "吨", 100, 3000, 50)),
            _project("生态环境执法能力建设", _count("开展环境执法检查", "家次", 100, 1000, 50)),
        ),
        indicators=(
            _percent(QUALITY, "问题整改完成率", 95, 99),
            _deadline(TIMELINESS, "整治任务完成时间", (10, 31), (12, 31)),
            _qualitative(ECOLOGICAL, "区域生态环境质量", "持续改善"),
            _qualitative(SOCIAL, "群众环境信访投诉", "明显减少"),
            _qualitative(SUSTAINABILITY, "生态环境监管能力", "持续提升"),
            _percent(SATISFACTION, "群众对生态环境满意度", 85, 95, 5),
        ),
    ),
    "economy": Domain(
        outcome="优化营商环境，推动产业发展和经济稳定增长",
        projects=(
            _project(
                "中小企业发展专项",
                _count("扶持中小企业", "家", 10, 120, 5),
                _amount(ECONOMIC, "带动企业新增产值", "万元", 2000, 50000, 1000),
            ),
            _project("工业园区基础设施建设", _count("新建园区道路", "公里", 1, 10)),
            _project(
                "招商引资专项",
                _count("引进招商项目", "个", 5, 40),
                _amount(ECONOMIC, "新增到位资金", "亿元", 1, 30),
            ),
            _project("电子商务进农村综合示范", _count("建设村级电商服务站点", "个", 20, 200, 10)),
            _project(
                "地方储备粮管理",
                _count("储备粮食规模", "吨", 1000, 20000, 500),
                _percent(QUALITY, "储备粮质量达标率", 100, 100, comparator=EQUAL),
            ),
            _project("应急物资储备", _count("储备应急物资品种", "种", 10, 60)),
            _project("服务业发展引导资金", _count("扶持服务业企业", "家", 10, 80, 5)),
            _project("数字经济发展", _count("新建5G基站", "个", 50, 500, 10)),
            _project("促进消费专项", _count("开展促消费活动", "场次", 10, 80)),
            _project("重大项目前期工作", _count("开展重大项目前期研究", "个", 5, 30)),
            _project("外贸稳增长", _count("支持外贸企业", "家", 5, 50)),
            _project("产业招商推介活动", _count("举办招商推介活动", "场", 3, 20)),
        ),
        indicators=(
            _percent(QUALITY, "扶持政策兑现准确率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "扶持政策兑现完成时间", (9, 30), (12, 31)),
            _qualitative(ECONOMIC, "区域经济发展", "稳中有进"),
            _amount(SOCIAL, "新增就业岗位", "个", 100, 2000, 50),
            _qualitative(SUSTAINABILITY, "营商环境", "持续优化"),
            _percent(SATISFACTION, "企业满意度", 85, 95, 5),
        ),
    ),
    "market": Domain(
        outcome="守住食品药品和特种设备安全底线，维护公平有序的市场环境",
        projects=(
            _project(
                "食品安全抽检监测",
                _count("食品安全抽检批次", "批次", 500, 4000, 100),
                _amount(COST, "每批次抽检成本", "元", 800, 1500, 50, comparator=AT_MOST),
                _qualitative(SOCIAL, "重大食品安全事故", "零发生"),
            ),
            _project("药品医疗器械监管", _count("检查药品经营使用单位", "家次", 200, 2000, 50)),
            _project("特种设备安全监察", _count("检查特种设备", "台", 500, 5000, 100)),
            _project("计量器具强制检定", _count("检定计量器具", "台（件）", 2000, 20000, 500)),
            _project("质量强区建设", _count("帮扶企业开展质量提升", "家", 10, 80)),
            _project("知识产权保护", _count("办理知识产权案件", "件", 10, 100, 5)),
            _project("个体工商户培育", _count("新增个体工商户", "户", 1000, 8000, 100)),
            _project("重要商品价格监测", _count("采集价格监测数据", "条", 5000, 30000, 1000)),
        ),
        indicators=(
            _percent(QUALITY, "问题产品核查处置率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 15)),
            _qualitative(SOCIAL, "食品药品安全形势", "稳定向好"),
            _qualitative(SUSTAINABILITY, "市场监管长效机制", "持续完善"),
            _percent(SATISFACTION, "群众满意度", 85, 95, 5),
        ),
    ),
    "public_safety": Domain(
        outcome="提升社会治安防控和应急救援能力，保障人民群众生命财产安全",
        projects=(
            _project("公安信息化建设", _count("新建视频监控点位", "个", 100, 1500, 50)),
            _project("社会治安防控体系建设", _count("建设智慧安防小区", "个", 10, 100, 5)),
            _project("道路交通安全管理", _count("整治道路交通安全隐患点", "处", 20, 200, 10)),
            _project("监管场所运行保障", _count("开展监所安全检查", "次", 50, 300, 10)),
            _project("禁毒工作专项", _count("开展禁毒宣传活动", "场次", 50, 400, 10)),
            _project(
                "应急救援能力建设",
                _count("组织应急演练", "次", 5, 60),
                _count("购置救援装备", "台（套）", 20, 300, 10),
                _percent(QUALITY, "应急响应到位率", 95, 99),
            ),
            _project("安全生产监管", _count("开展安全生产检查", "家次", 200, 3000, 100)),
            _project(
                "消防救援装备购置",
                _count("购置消防车辆", "辆", 1, 6),
                _count("购置个人防护装备", "套", 50, 500, 10),
                _deadline(TIMELINESS, "装备采购完成时间", (6, 30), (9, 30), (11, 30)),
            ),
            _project("森林草原防灭火", _count("开展防火巡查", "次", 200, 2000, 50)),
            _project("警用装备购置", _count("购置警用装备", "台（套）", 50, 800, 10)),
            _project("消防站建设", _count("新建改建消防站", "个", 1, 4)),
            _project("安全生产专项整治", _count("排查整治安全隐患", "处", 200, 3000, 100)),
            _project("自然灾害综合风险普查", _count("完成风险普查调查对象", "个", 1000, 10000, 500)),
            _project("地震监测预警能力建设", _count("建设地震监测台站", "个", 2, 12)),
        ),
        indicators=(
            _percent(QUALITY, "装备验收合格率", 100, 100, comparator=EQUAL),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "群众安全感", "进一步增强"),
            _qualitative(SUSTAINABILITY, "应急处置能力", "持续提升"),
            _percent(SATISFACTION, "群众安全感满意度", 90, 95, 5),
        ),
    ),
    "defense": Domain(
        outcome="提升民兵队伍建设和国防动员能力，增强全民国防意识",
        projects=(
            _project(
                "民兵军事训练",
                _count("参训民兵", "人", 200, 1500, 50),
                _percent(QUALITY, "训练考核合格率", 90, 98),
            ),
            _project("征兵工作经费", _count("完成征兵任务", "人", 50, 300, 5)),
            _project("国防动员能力建设", _count("开展国防教育活动", "场次", 10, 80)),
            _project("民兵装备器材维护", _count("维护保养装备器材", "台（件）", 200, 3000, 50)),
            _project("人防工程维护管理", _count("维护人防工程", "处", 5, 40)),
        ),
        indicators=(
            _percent(QUALITY, "任务完成合格率", 95, 99),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "全民国防意识", "进一步增强"),
            _qualitative(SUSTAINABILITY, "国防动员能力", "持续提升"),
            _percent(SATISFACTION, "参训人员满意度", 90, 95, 5),
        ),
    ),
    "justice": Domain(
        outcome="完善公共法律服务，维护社会公平正义与和谐稳定",
        projects=(
            _project(
                "法律援助",
                _count("办理法律援助案件", "件", 200, 1500, 50),
                _percent(QUALITY, "法律援助案件质量合格率", 95, 99),
            ),
            _project(
                "人民调解",
                _count("调解矛盾纠纷", "件", 1000, 8000, 100),
                _percent(QUALITY, "矛盾纠纷调解成功率", 95, 98),
            ),
            _project("社区矫正", _count("社区矫正对象教育帮扶", "人次", 200, 2000, 50)),
            _project("普法宣传", _count("开展普法宣传活动", "场次", 50, 400, 10)),
            _project("公共法律服务体系建设", _count("建设村（社区）公共法律服务工作室", "个", 20, 300, 10)),
            _project(
                "审判执行业务保障",
                _count("审结执结案件", "件", 3000, 15000, 500),
                _percent(TIMELINESS, "法定审限内结案率", 95, 99),
            ),
            _project("检察业务保障", _count("办理审查起诉案件", "件", 300, 2000, 50)),
            _project("诉讼服务中心建设", _count("提供诉讼服务", "人次", 5000, 40000, 1000)),
            _project("智慧法院建设", _count("建设科技法庭", "个", 2, 12)),
            _project("公益诉讼检察", _count("办理公益诉讼案件", "件", 20, 200, 5)),
            _project("智慧检务建设", _count("建设远程提讯室", "间", 1, 6)),
            _project("公证服务便民化", _count("办理公证事项", "件", 1000, 8000, 100)),
        ),
        indicators=(
            _percent(QUALITY, "案件办理合规率", 95, 99),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "社会大局", "和谐稳定"),
            _qualitative(SUSTAINABILITY, "公共法律服务体系", "持续完善"),
            _percent(SATISFACTION, "服务对象满意度", 90, 95, 5),
        ),
    ),
    "general": Domain(
        outcome="保障机关高效运转，提升政务服务和监督管理水平",
        projects=(
            _project(
                "政务服务能力提升",
                _count("办理政务服务事项", "件", 20000, 200000, 5000),
                _percent(QUALITY, "政务服务事项网上可办率", 95, 99),
            ),
            _project("机关运行保障", _count("保障会议及公务活动", "次", 50, 500, 10)),
            _project(
                "政府投资审计",
                _count("完成审计项目", "个", 10, 60),
                _percent(ECONOMIC, "政府投资项目审减率", 5, 10),
            ),
            _project(
                "信访维稳专项",
                _count("办理信访事项", "件", 500, 5000, 100),
                _percent(TIMELINESS, "信访事项按期办结率", 95, 99),
            ),
            _project("档案数字化", _count("完成档案数字化", "万页", 10, 200, 5)),
            _project("电子政务外网运维", _count("接入电子政务外网单位", "个", 50, 300, 10)),
            _project("人大代表履职服务", _count("组织代表视察调研活动", "次", 10, 80)),
            _project("政协委员履职服务", _count("组织委员视察调研活动", "次", 10, 80)),
            _project("统计调查与普查", _count("完成统计调查任务", "项", 10, 60)),
            _project("12345政务服务便民热线运行", _count("受理群众诉求", "件", 10000, 100000, 1000)),
            _project("审计信息化建设", _count("建设审计数据分析模型", "个", 3, 20)),
            _project("网上信访平台运行", _count("办理网上信访件", "件", 500, 5000, 100)),
            _project("档案馆库房改造", _count("改造档案库房面积", "平方米", 200, 3000, 100)),
            _project("人大代表之家建设", _count("建设代表之家（站）", "个", 5, 30)),
            _project("政协委员工作室建设", _count("建设委员工作室", "个", 3, 20)),
            _project("统计数据质量提升", _count("开展统计执法检查", "家次", 20, 200, 10)),
            _project("公务用车平台运行", _count("保障公务出行", "车次", 2000, 20000, 500)),
            _project("公共机构节能改造", _count("实施节能改造的公共机构", "个", 3, 20)),
        ),
        indicators=(
            _percent(QUALITY, "工作任务完成合格率", 95, 99),
            _deadline(TIMELINESS, "年度任务完成时间", (11, 30), (12, 31)),
            _qualitative(SOCIAL, "机关运转", "安全有序"),
            _qualitative(SUSTAINABILITY, "政务服务标准化水平", "持续提升"),
            _percent(SATISFACTION, "办事群众满意度", 90, 98),
        ),
    ),
    "town": Domain(
        outcome="改善农村人居环境和基础设施条件，推进乡村振兴",
        projects=(
            _project(
                "农村人居环境整治",
                _count("整治农村人居环境村（社区）", "个", 3, 20),
                _count("新建改造农村卫生厕所", "户", 100, 1500, 50),
                _amount(COST, "村均整治投入", "万元", 10, 50, 5, comparator=AT_MOST),
            ),
            _project(
                "河长制巡河",
                _count("巡河次数", "次", 100, 1200, 20),
                _qualitative(ECOLOGICAL, "河湖水环境", "持续改善"),
            ),
            _project("农村生活污水治理", _count("新建污水处理设施", "座", 2, 20)),
            _project("村级公益事业一事一议财政奖补", _count("实施一事一议项目", "个", 2, 15)),
            _project("场镇基础设施提升", _count("改造场镇道路", "米", 500, 5000, 100)),
            _project("农村饮水安全保障", _count("维修改造供水管网", "公里", 2, 30)),
            _project(
                "乡村振兴衔接资金",
                _count("实施产业发展项目", "个", 2, 15),
                _amount(ECONOMIC, "带动村集体经济增收", "万元", 5, 100, 5),
            ),
            _project("村级组织运转保障", _count("保障村（社区）组织运转", "个", 5, 30)),
            _project("村组道路建设", _count("硬化村组道路", "公里", 2, 30)),
            _project("森林防火", _count("开展森林防火巡查", "次", 100, 1000, 20)),
            _project("防汛抗旱", _count("排查地质灾害和山洪隐患点", "处", 10, 80)),
            _project("便民服务中心运行", _count("办理便民服务事项", "件", 2000, 20000, 500)),
            _project("高标准农田建设", _count("建成高标准农田面积", "亩", 500, 5000, 100)),
            _project("基层治理能力提升", _count("化解矛盾纠纷", "件", 50, 600, 10)),
        ),
        indicators=(
            _percent(QUALITY, "项目验收合格率", 95, 99),
            _deadline(TIMELINESS, "项目完工时间", (10, 31), (11, 30), (12, 31)),
            _qualitative(SOCIAL, "群众生活条件", "明显改善"),
            _qualitative(ECOLOGICAL, "村容村貌", "明显改善"),
            _qualitative(SUSTAINABILITY, "村庄清洁长效机制", "建立健全"),
            _percent(SATISFACTION, "群众满意度", 85, 95, 5),
        ),
    ),
}

# Indicators any project may carry, filling the categories its project and domain do not measure.
GENERIC_INDICATORS = (
    _percent(QUALITY, "资金使用合规率", 100, 100, comparator=EQUAL),
    _deadline(TIMELINESS, "项目完成时间", (11, 30), (12, 31)),
    _total_cost("项目总成本"),
    _qualitative(ECONOMIC, "对区域经济发展的促进作用", "有所增强"),
    _qualitative(SOCIAL, "群众生产生活条件", "明显改善"),
    _qualitative(ECOLOGICAL, "对生态环境的影响", "无不良影响"),
    _amount(SUSTAINABILITY, "项目效益持续发挥年限", "年", 3, 10, progress=ProgressType.LEVEL),
    _percent(SATISFACTION, "服务对象满意度", 85, 95, 5),
)

# A unit's second, third … project of the same name is told apart by where its money comes from.
FUNDING_SOURCES = ("中央补助", "省级补助", "区级配套")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢廖"
)
GIVEN_NAMES = (
    "建华",
    "国强",
    "秀英",
    "丽华",
    "志强",
    "晓燕",
    "海燕",
    "文杰",
    "俊杰",
    "明",
    "静",
    "磊",
    "伟",
    "芳",
    "娟",
    "敏",
    "涛",
    "勇",
    "军",
    "艳",
    "婷",
    "丹",
    "霞",
    "平",
    "刚",
    "桂英",
    "玉兰",
    "红梅",
    "德明",
    "永刚",
    "春梅",
    "雪梅",
    "正华",
    "光明",
    "小龙",
    "思远",
    "雨涵",
    "浩然",
    "家豪",
    "欣怡",
)
MOBILE_PREFIXES = ("135", "136", "138", "139", "158", "159", "177", "181", "183", "189", "199")

DEMO_PASSWORD = "Jixiao#2026demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organisation: str


# The units whose people the demo accounts are; the seed leaves each of them with work open.
DEMO_TOWN = "临江镇"
DEMO_FIRST_LEVEL_UNIT = "区教育局"
DEMO_SECOND_LEVEL_UNIT = "区第一中学"

DEMO_ACCOUNTS = (
    DemoAccount("leader", "张卫东", Role.BUREAU_LEADER, BUREAU),
    DemoAccount("admin", "李明轩", Role.SYSADMIN, BUREAU),
    DemoAccount("auditor", "王淑芬", Role.AUDITOR, BUREAU),
    DemoAccount("data_manager", "郑雅琴", Role.DATA_MANAGER, BUREAU),
    DemoAccount("supervisor", "陈静怡", Role.SUPERVISION_STAFF, SUPERVISION_SECTION),
    DemoAccount("counterpart1", "刘志强", Role.COUNTERPART_STAFF, BUDGET_SECTION),
    DemoAccount("counterpart2", "杨晓燕", Role.COUNTERPART_STAFF, ECONOMIC_SECTION),
    DemoAccount("counterpart3", "赵海涛", Role.COUNTERPART_STAFF, SOCIAL_SECTION),
    DemoAccount("town_filler", "黄丽娟", Role.FILLER, DEMO_TOWN),
    DemoAccount("town_leader", "周国平", Role.UNIT_LEADER, DEMO_TOWN),
    DemoAccount("unit_filler", "吴秀兰", Role.FILLER, DEMO_FIRST_LEVEL_UNIT),
    DemoAccount("unit_leader", "徐建国", Role.UNIT_LEADER, DEMO_FIRST_LEVEL_UNIT),
    DemoAccount("sub_filler", "孙婷婷", Role.FILLER, DEMO_SECOND_LEVEL_UNIT),
    DemoAccount("sub_leader", "马俊峰", Role.UNIT_LEADER, DEMO_SECOND_LEVEL_UNIT),
    DemoAccount("secret_filler", "朱文斌", Role.FILLER, "区公安分局情报指挥中心"),
    DemoAccount("agency", "胡佳琪", Role.AGENCY_STAFF, AGENCY),
)
