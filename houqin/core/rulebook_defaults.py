"""National defaults of the rule book, each with its source (../shared/DOMAIN.md §1–§8).

Grouped by domain; the first part of a key is its group. Each default carries the certainty
tag DOMAIN.md gives it: VERBATIM [原文], REPORTED [转述], UNVERIFIED [未核实], LOCAL [地方]
(a local figure shown as the example of the pattern — a node overrides it).
Money is yuan with 2 places; JSON tables hold plain numbers (read them with Decimal(str(x))).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .rulebook import Certainty, Kind, RuleDef, define

MONEY = {"min": 0, "places": 2}
YUAN = _("yuan")
YEARS = _("years")
MONTHS = _("months")
DAYS = _("days")
HOURS = _("hours")
MINUTES = _("minutes")
TIMES = _("times")
PEOPLE = _("people")
APPROVAL_LEVELS = ["school", "district", "bureau"]

# ---------------------------------------------------------------------------------------------
# Assets (DOMAIN §2)

define(
    RuleDef(
        key="assets.capitalisation_threshold",
        name=_("Capitalisation threshold (fixed asset unit value)"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=YUAN,
        source="《事业单位财务规则》财政部令第108号 (2022) art. 41; earlier 令第68号 (2012) art. 40",
        certainty=Certainty.REPORTED,
        description=_(
            "An item used for more than a year whose unit value reaches this amount is a fixed asset; "
            "below it, it is a low-value item kept as stock. Local rules may be lower (e.g. 500 or 800 yuan)."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="assets.capitalisation_threshold_special_equipment",
        name=_("Capitalisation threshold for special equipment"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=YUAN,
        source="财政部令第108号 (2022) art. 41 (the separate line is gone); 令第68号 (2012) art. 40: 专用设备 1500 元",
        certainty=Certainty.REPORTED,
        description=_(
            "The 2012 rules set 1500 yuan for special equipment; the 2022 rules use one threshold. "
            "Legacy systems and some local rules keep 1500."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="assets.min_service_life_years",
        name=_("Service life a fixed asset must exceed"),
        kind=Kind.INTEGER,
        default=1,
        unit=YEARS,
        source="《事业单位财务规则》令第68号 art. 40 (quoted); 《政府会计准则第3号——固定资产》",
        certainty=Certainty.VERBATIM,
        description=_(
            "A fixed asset is used for more than this many years (exactly one year is not enough)."
        ),
        extra={"min": 0},
    ),
    RuleDef(
        key="assets.bulk_like_items_are_fixed_assets",
        name=_("Large batches of like items are fixed assets"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《事业单位财务规则》令第68号 art. 40 (大批同类物资); 《政府会计准则第3号》",
        certainty=Certainty.VERBATIM,
        description=_(
            "Durable items bought in large batches (books, furniture, fittings) are fixed assets "
            "even when each is below the threshold."
        ),
    ),
    RuleDef(
        key="assets.always_fixed_asset_kinds",
        name=_("Kinds registered as fixed assets whatever their price"),
        kind=Kind.JSON,
        default=[],
        source="青岛六中 school asset rules (图书、桌椅、橱架、仪器 regardless of unit price)",
        certainty=Certainty.LOCAL,
        description=_(
            "A list of asset category codes a school registers as fixed assets regardless of unit value, "
            'e.g. ["books", "desks_chairs", "cabinets_shelves", "instruments"]. None nationally.'
        ),
        extra={"shape": ["category"], "allow_empty": True},
    ),
    RuleDef(
        key="assets.depreciation_lives",
        name=_("Depreciation lives by category (minimum years)"),
        kind=Kind.JSON,
        default={
            "building_steel": 50,
            "building_reinforced_concrete": 50,
            "building_brick_concrete": 30,
            "building_brick_wood": 30,
            "building_simple": 8,
            "building_fixtures": 8,
            "structures": 8,
            "computers": 6,
            "office_equipment": 6,
            "vehicles": 8,
            "library_equipment": 5,
            "machinery": 10,
            "electrical_equipment": 5,
            "communication_equipment": 5,
            "broadcast_film_equipment": 5,
            "instruments_meters": 5,
            "electronic_measuring_equipment": 5,
            "metrology_weighing": 5,
            "radar_navigation_equipment": 10,
            "food_processing_equipment": 10,
            "medical_equipment": 5,
            "special_instruments": 5,
            "arts_equipment": 5,
            "sports_equipment": 5,
            "entertainment_equipment": 5,
            "furniture": 15,
            "fittings_and_tools": 5,
            "cultural_relics": 0,
            "books_archives": 0,
            "animals_plants": 0,
            "land": 0,
            "nominal_value_assets": 0,
        },
        unit=YEARS,
        source="《政府会计准则第3号——固定资产》应用指南 财会〔2017〕4号 (table of minimum lives)",
        certainty=Certainty.VERBATIM,
        description=_(
            "Years per asset category, straight-line. 0 means the category is not depreciated (cultural "
            "relics, books and archives, animals and plants, separately valued land, assets at nominal "
            "value). Special equipment has ranges (food processing 10–15, medical 5–10, instruments 5–10, "
            "arts/sports/entertainment 5–15); the lower bound is the default. Regions may split or "
            "tighten categories (e.g. student furniture 5 years); an override replaces the whole table."
        ),
        extra={"open_keys": True, "min": 0, "max": 100},
    ),
    RuleDef(
        key="assets.depreciation_residual_rate",
        name=_("Residual value rate at the end of depreciation"),
        kind=Kind.DECIMAL,
        default=Decimal("0"),
        source="《政府会计准则第3号——固定资产》 (no residual value)",
        certainty=Certainty.UNVERIFIED,
        description=_("Share of the original value left after the life; government accounting leaves none."),
        extra={"min": 0, "max": 1},
    ),
    RuleDef(
        key="assets.depreciation_starts_month_acquired",
        name=_("Depreciation starts in the month of acquisition"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《政府会计准则第3号——固定资产》 (当月增加当月计提, 当月减少当月不提)",
        certainty=Certainty.UNVERIFIED,
        description=_(
            "Monthly depreciation starts the month the asset is acquired and stops the month it is disposed of."
        ),
    ),
    RuleDef(
        key="assets.low_value_amortisation_method",
        name=_("Amortisation of low-value consumables"),
        kind=Kind.TEXT,
        default="one_off",
        source="《政府会计制度》财会〔2017〕25号 (一次转销法 / 五五摊销法)",
        certainty=Certainty.UNVERIFIED,
        description=_("one_off: written off when issued; fifty_fifty: half on issue, half on scrapping."),
        extra={"choices": ["one_off", "fifty_fifty"]},
    ),
    RuleDef(
        key="assets.disposal_bands",
        name=_("Disposal approval by value"),
        kind=Kind.JSON,
        default=[
            {"up_to": 500, "approver": "school", "review": ""},
            {"up_to": 1000, "approver": "district", "review": ""},
            {"up_to": None, "approver": "finance_bureau", "review": "bureau"},
        ],
        unit=YUAN,
        source="西乡县教育系统 asset rules (county example); national pattern 《事业单位国有资产管理暂行办法》财政部令第36号 art. 26",
        certainty=Certainty.LOCAL,
        description=_(
            "Bands of book value: up to each amount (null = no limit) the named level approves, after review "
            "by the level in “review”. In the example, below 500 yuan the school approves and reports upward; "
            "500–1000 a village school's disposal is approved by its central school (other schools by the "
            "county bureau); from 1000 yuan the county bureau reviews and the county finance bureau approves."
        ),
        extra={
            "ascending": "up_to",
            "min": 0,
            "field_choices": {
                "approver": ["school", "district", "bureau", "finance_bureau"],
                "review": ["", "district", "bureau"],
            },
        },
    ),
    RuleDef(
        key="assets.disposal_always_to_finance",
        name=_("Disposals always approved by the finance bureau"),
        kind=Kind.JSON,
        default=["buildings", "land", "vehicles", "monetary_losses"],
        source="《事业单位国有资产管理暂行办法》财政部令第36号 art. 26 (quoted)",
        certainty=Certainty.VERBATIM,
        description=_(
            "Asset kinds whose disposal (or write-off, for monetary losses) is reviewed by the supervising "
            "department and approved by the finance bureau of the same level, whatever the value."
        ),
        extra={"allow_empty": True},
    ),
    RuleDef(
        key="assets.disposal_before_min_life_needs_justification",
        name=_("Scrapping before the minimum life needs a special justification"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《行政事业性国有资产管理条例》国务院令第738号 arts. 10–11 (最低使用年限); unit rules (e.g. a university: 8 years)",
        certainty=Certainty.LOCAL,
        description=_(
            "A disposal request for an asset younger than its depreciation life must give a reason."
        ),
    ),
    RuleDef(
        key="assets.lease_needs_finance_approval",
        name=_("Leasing or lending out assets needs finance approval"),
        kind=Kind.BOOLEAN,
        default=True,
        source="Local rules following 财政部令第36号 (出租、出借: 主管部门审核, 财政部门审批)",
        certainty=Certainty.REPORTED,
        description=_(
            "Letting school premises or halls to others needs a feasibility study, the supervising "
            "department's review and the finance bureau's approval; the income goes to the treasury."
        ),
    ),
    RuleDef(
        key="assets.full_counts_per_year",
        name=_("Full asset counts per year"),
        kind=Kind.INTEGER,
        default=1,
        unit=TIMES,
        source="《事业单位财务规则》 (full count before the end of each fiscal year); 条例 国务院令第738号 art. 34",
        certainty=Certainty.REPORTED,
        description=_("At least this many complete stocktakes of all assets each fiscal year."),
        extra={"min": 0, "max": 12},
    ),
    RuleDef(
        key="assets.full_count_deadline_month",
        name=_("Month by which the yearly count is finished"),
        kind=Kind.INTEGER,
        default=12,
        source="《事业单位财务规则》 (年度终了前全面清查盘点)",
        certainty=Certainty.REPORTED,
        description=_(
            "The yearly full count must be closed by the end of this month (the fiscal year ends in December)."
        ),
        extra={"min": 1, "max": 12},
    ),
    RuleDef(
        key="assets.counts_per_semester",
        name=_("Room asset counts per semester"),
        kind=Kind.INTEGER,
        default=0,
        unit=TIMES,
        source="School practice (register classroom and office assets each term; some twice per semester)",
        certainty=Certainty.LOCAL,
        description=_("Counts of classroom and office assets each semester; 0 = not required."),
        extra={"min": 0, "max": 6},
    ),
)

# ---------------------------------------------------------------------------------------------
# Procurement (DOMAIN §5.2)

define(
    RuleDef(
        key="procurement.quote_threshold",
        name=_("Three quotes required above"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=YUAN,
        source="School 货比三家/三家比价 rules (threshold set by each school)",
        certainty=Certainty.LOCAL,
        description=_(
            "A purchase above this amount needs written quotes from several suppliers, compared and signed "
            "before buying. The amount is the software's default; set the school's own."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="procurement.min_quotes",
        name=_("Minimum number of quotes"),
        kind=Kind.INTEGER,
        default=3,
        unit=_("suppliers"),
        source="《政府采购法》art. 40 (询价: ≥ 3 suppliers); school 三家比价 practice",
        certainty=Certainty.VERBATIM,
        description=_("Written quotes (with licence, stamp and contact) from at least this many suppliers."),
        extra={"min": 1, "max": 10},
    ),
    RuleDef(
        key="procurement.min_quote_signers",
        name=_("Minimum signers of a quote comparison"),
        kind=Kind.INTEGER,
        default=3,
        unit=PEOPLE,
        source="School 三家比价 rules (询价记录单 signed by department head and project leader, ≥ 3 people)",
        certainty=Certainty.LOCAL,
        extra={"min": 1, "max": 10},
    ),
    RuleDef(
        key="procurement.min_buyers",
        name=_("Minimum people making a purchase"),
        kind=Kind.INTEGER,
        default=2,
        unit=PEOPLE,
        source="School purchasing rules (buyer + user)",
        certainty=Certainty.LOCAL,
        extra={"min": 1, "max": 5},
    ),
    RuleDef(
        key="procurement.inquiry_group_min_members",
        name=_("Minimum members of an inquiry group"),
        kind=Kind.INTEGER,
        default=3,
        unit=PEOPLE,
        source="《政府采购法》art. 40 (询价小组 ≥ 3 members, odd number, experts ≥ 2/3)",
        certainty=Certainty.VERBATIM,
        extra={"min": 1, "max": 15},
    ),
    RuleDef(
        key="procurement.decentralised_limit",
        name=_("Decentralised procurement limit (goods and services)"),
        kind=Kind.DECIMAL,
        default=Decimal("1000000.00"),
        unit=YUAN,
        source="国办发〔2019〕55号 (central units: 100 万元); local units: provincial catalogues under 财库〔2019〕69号",
        certainty=Certainty.LOCAL,
        description=_(
            "Goods and services outside the central catalogue from this amount fall under the procurement "
            "law. Provinces set their own (e.g. Yunnan 500,000)."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="procurement.decentralised_limit_works",
        name=_("Decentralised procurement limit (works)"),
        kind=Kind.DECIMAL,
        default=Decimal("1200000.00"),
        unit=YUAN,
        source="国办发〔2019〕55号 (central units: works 120 万元); provincial catalogues differ",
        certainty=Certainty.LOCAL,
        extra=MONEY,
    ),
    RuleDef(
        key="procurement.public_tender_threshold",
        name=_("Public tender threshold (goods and services)"),
        kind=Kind.DECIMAL,
        default=Decimal("2000000.00"),
        unit=YUAN,
        source="国办发〔2019〕55号 (central: ≥ 200 万元 公开招标); e.g. Shaanxi county 100 万, Shanghai 400 万",
        certainty=Certainty.LOCAL,
        description=_(
            "From this amount goods and services must be publicly tendered. Several non-tender purchases "
            "of the same item under one budget project in one fiscal year adding up to it are splitting "
            "(化整为零, 实施条例 art. 28)."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="procurement.framework_agreement_limit",
        name=_("Framework agreement limit for small purchases"),
        kind=Kind.DECIMAL,
        default=Decimal("300000.00"),
        unit=YUAN,
        source="One province's catalogue: 省 50 万 / 市 40 万 / 县 30 万 (财库〔2019〕69号 pattern)",
        certainty=Certainty.LOCAL,
        extra=MONEY,
    ),
    RuleDef(
        key="procurement.file_retention_years",
        name=_("Procurement files kept for"),
        kind=Kind.INTEGER,
        default=15,
        unit=YEARS,
        source="《政府采购法》art. 42",
        certainty=Certainty.VERBATIM,
        description=_(
            "Procurement files (quotes, contracts, acceptance certificates) are kept at least this long."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="procurement.settlement_days",
        name=_("Settle a small purchase within"),
        kind=Kind.INTEGER,
        default=7,
        unit=DAYS,
        source="School purchasing rules (settle within about a week)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
)

# ---------------------------------------------------------------------------------------------
# Approvals (DESIGN.md; DOMAIN §5.1, §6, §8.1)

define(
    RuleDef(
        key="approval.incompatible_duties",
        name=_("Incompatible duties on one document"),
        kind=Kind.JSON,
        default=[["approver", "cashier", "bookkeeper"]],
        source="《会计法》; 《行政事业单位内部控制规范》: 不相容岗位相互分离 (管账不管钱, 管钱不管账)",
        certainty=Certainty.REPORTED,
        group=_("Approvals"),
        description=_("Each group lists duties one person may not hold together on the same document."),
    ),
    RuleDef(
        key="approval.default_bands",
        name=_("Default approval bands"),
        kind=Kind.JSON,
        default=[
            {"role": "head_of_logistics", "level": "school", "up_to": 2000},
            {"role": "principal", "level": "school", "up_to": 20000},
            {"role": "district_supervisor", "level": "district", "up_to": None},
        ],
        unit=YUAN,
        source="School approval rules (example: 总务主任 ≤ 2000, 校长 ≤ 20000, 中心学校 above); they vary by school, "
        "e.g. ≤ 1000 分管副校长, > 1000 校领导班子",
        certainty=Certainty.LOCAL,
        description=_(
            "Steps of an approval when a school has no policy of its own: the role (at the level) approves, "
            "and a request up to “up_to” yuan ends at that step (null = no limit)."
        ),
        # The levels are houqin.core.models.ApprovalLevel's values (a test keeps them equal).
        extra={"ascending": "up_to", "min": 0, "field_choices": {"level": APPROVAL_LEVELS}},
    ),
    RuleDef(
        key="approval.collective_decision_threshold",
        name=_("Collective decision (principal's office meeting) above"),
        kind=Kind.DECIMAL,
        default=Decimal("5000.00"),
        unit=YUAN,
        source="School rules (> 5000 元 校长办公会; major sums under “三重一大”)",
        certainty=Certainty.LOCAL,
        description=_(
            "Spending above this amount is decided by the school leadership meeting, with minutes."
        ),
        extra=MONEY,
    ),
    RuleDef(
        key="approval.receiver_differs_from_buyer",
        name=_("The receiver of goods is not the buyer"),
        kind=Kind.BOOLEAN,
        default=True,
        source="School receiving rules: segregation of duties (the receiver is not the buyer where possible)",
        certainty=Certainty.LOCAL,
    ),
)

# ---------------------------------------------------------------------------------------------
# Canteen and food safety (DOMAIN §1)

define(
    RuleDef(
        key="canteen.sample_min_grams",
        name=_("Minimum weight of a food sample"),
        kind=Kind.INTEGER,
        default=125,
        unit=_("g"),
        source="《学校食品安全与营养健康管理规定》教育部令第45号 art. 40",
        certainty=Certainty.VERBATIM,
        description=_("Every dish of every meal is sampled; each sample weighs at least this much."),
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.sample_hours",
        name=_("Food samples kept for"),
        kind=Kind.INTEGER,
        default=48,
        unit=HOURS,
        source="《学校食品安全与营养健康管理规定》教育部令第45号 art. 40",
        certainty=Certainty.VERBATIM,
        description=_(
            "Samples stay in a dedicated refrigerator at least this long; then discarded and recorded."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.sample_temperature_range",
        name=_("Sample refrigerator temperature"),
        kind=Kind.JSON,
        default={"min": 0, "max": 8},
        unit=_("°C"),
        source="《餐饮服务食品安全操作规范》2018 / GB 31654-2021 (冷藏 0–8 ℃; the 2011 规范 used 0–10 ℃)",
        certainty=Certainty.UNVERIFIED,
        description=_(
            "Samples are refrigerated, never frozen; the recorded temperature must be in this range."
        ),
        extra={"le": [("min", "max")], "min": -30, "max": 30},
    ),
    RuleDef(
        key="canteen.accompanying_meal_every_meal",
        name=_("A school leader accompanies every meal"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《学校食品安全与营养健康管理规定》教育部令第45号 art. 13",
        certainty=Certainty.VERBATIM,
        description=_("Alert when a served meal has no accompanying-meal record with a school leader."),
    ),
    RuleDef(
        key="canteen.health_certificate_months",
        name=_("Health certificate valid for"),
        kind=Kind.INTEGER,
        default=12,
        unit=MONTHS,
        source="《学校食品安全与营养健康管理规定》art. 27; 《食品安全法》art. 45 (yearly health check)",
        certainty=Certainty.VERBATIM,
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.health_certificate_warning_days",
        name=_("Warn before a health certificate expires"),
        kind=Kind.INTEGER,
        default=30,
        unit=DAYS,
        source="Houqin default (alert a month before the yearly health certificate expires)",
        certainty=Certainty.UNVERIFIED,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.manager_training_hours_per_year",
        name=_("Food-safety manager training per year"),
        kind=Kind.INTEGER,
        default=40,
        unit=HOURS,
        source="Older national catering rules; 临沂 2024 school document",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.diners_per_cook",
        name=_("Diners per cook"),
        kind=Kind.INTEGER,
        default=100,
        unit=PEOPLE,
        source="河北 2020 (nutrition-programme canteens: ≥ 1 cook per 100 diners)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.receivers_for_bulk_food",
        name=_("Inspectors receiving bulk food"),
        kind=Kind.INTEGER,
        default=2,
        unit=PEOPLE,
        source="《学校食堂大宗食材采购验收管理工作指引》教体艺厅函〔2025〕30号 (双人或多人联检)",
        certainty=Certainty.REPORTED,
        description=_("Bulk food is accepted by at least this many distinct named inspectors."),
        extra={"min": 1, "max": 10},
    ),
    RuleDef(
        key="canteen.bulk_inspectors_rotate",
        name=_("Bulk food inspectors rotate"),
        kind=Kind.BOOLEAN,
        default=False,
        source="山东 county practice (双人或多人联检 with periodic rotation of inspectors)",
        certainty=Certainty.LOCAL,
    ),
    RuleDef(
        key="canteen.supplier_clean_record_years",
        name=_("Supplier without food-safety incidents for"),
        kind=Kind.INTEGER,
        default=3,
        unit=YEARS,
        source="教体艺厅函〔2025〕30号 (no food-safety incident in the past 3 years; not on the 失信 list)",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.record_retention_after_shelf_life_months",
        name=_("Purchase records kept after the shelf life ends"),
        kind=Kind.INTEGER,
        default=6,
        unit=MONTHS,
        source="《食品安全法》art. 50",
        certainty=Certainty.VERBATIM,
        description=_(
            "Incoming-goods records and vouchers are kept this long after the product's shelf life expires."
        ),
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.record_retention_no_shelf_life_years",
        name=_("Purchase records kept when there is no shelf life"),
        kind=Kind.INTEGER,
        default=2,
        unit=YEARS,
        source="《食品安全法》art. 50",
        certainty=Certainty.VERBATIM,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.record_retention_produce_months",
        name=_("Fresh produce purchase records kept for"),
        kind=Kind.INTEGER,
        default=6,
        unit=MONTHS,
        source="School/catering rules for 食用农产品 (海南 implementing document quoting the 规定)",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.prohibited_foods",
        name=_("Foods canteens may not buy or prepare"),
        kind=Kind.JSON,
        default=[
            "亚硝酸盐",
            "四季豆",
            "鲜黄花菜",
            "野生蘑菇",
            "发芽土豆",
            "冷荤类食品",
            "生食类食品",
            "裱花蛋糕",
        ],
        source="《学校食品安全与营养健康管理规定》 as quoted by 海南 implementing document",
        certainty=Certainty.REPORTED,
        description=_(
            "Warn when one of these appears on a menu or a purchase. Provinces add their own (e.g. Guizhou: "
            "cold dishes except fruit, loose cooked meat, aluminium raising agents)."
        ),
    ),
    RuleDef(
        key="canteen.cooking_core_temperature",
        name=_("Core temperature of cooked food"),
        kind=Kind.INTEGER,
        default=70,
        unit=_("°C"),
        source="Older catering hygiene rules (中心温度 ≥ 70 ℃)",
        certainty=Certainty.UNVERIFIED,
    ),
    RuleDef(
        key="canteen.food_holding",
        name=_("Holding cooked food"),
        kind=Kind.JSON,
        default={"after_hours": 2, "hot_above_celsius": 60, "cold_below_celsius": 10},
        source="Older 卫生部 catering rule (food kept > 2 h held > 60 ℃ or < 10 ℃)",
        certainty=Certainty.UNVERIFIED,
        description=_(
            "Food kept longer than “after_hours” must be held above the hot or below the cold temperature."
        ),
    ),
    RuleDef(
        key="canteen.disinfection_parameters",
        name=_("Tableware disinfection parameters"),
        kind=Kind.JSON,
        default={
            "boiling_or_steam": {"min_celsius": 100, "min_minutes": 10},
            "infrared_cabinet": {"min_celsius": 120, "min_minutes": 10},
            "dishwasher": {"rinse_celsius": 85, "min_seconds": 40},
            "chlorine": {"min_mg_per_l": 250, "min_minutes": 5},
        },
        source="《餐饮服务食品安全操作规范》市场监管总局公告2018年第12号 (widely reproduced)",
        certainty=Certainty.REPORTED,
        description=_(
            "Per method, the minimum temperature and time (or chlorine concentration and full immersion "
            "time) a disinfection record must reach; chlorine is rinsed off with clean water afterwards."
        ),
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.self_inspection_schedule",
        name=_("Canteen self-inspection cadence"),
        kind=Kind.JSON,
        default={"check_every_days": 1, "inspection_every_days": 7, "meeting_every_days": 30},
        unit=DAYS,
        source="市场监管总局令第60号 (2022): 日管控、周排查、月调度, applied to school canteens by local requirement",
        certainty=Certainty.REPORTED,
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.onsite_meetings_per_semester",
        name=_("Leadership on-site meetings in the canteen per semester"),
        kind=Kind.INTEGER,
        default=1,
        unit=TIMES,
        source="教体艺厅函〔2025〕30号 reposts (garbled source — verify)",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="canteen.purchase_disclosure_days",
        name=_("Publish canteen purchases every"),
        kind=Kind.INTEGER,
        default=7,
        unit=DAYS,
        source="School disclosure lists (weekly or daily purchase list)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="canteen.accounts_disclosure_months",
        name=_("Publish canteen income and expenditure every"),
        kind=Kind.INTEGER,
        default=1,
        unit=MONTHS,
        source="School disclosure lists (monthly and annual canteen income, expenditure and balance)",
        certainty=Certainty.LOCAL,
        extra={"min": 1, "max": 12},
    ),
    RuleDef(
        key="canteen.shop_allowed_non_boarding",
        name=_("Non-boarding schools may run a school shop"),
        kind=Kind.BOOLEAN,
        default=False,
        source="市场监管总局 教育部 卫健委 公安部 指导意见 (2019-12); 《营养与健康学校建设指南》 (2021)",
        certainty=Certainty.REPORTED,
        description=_(
            "Boarding schools may decide by collective decision where the province allows it (e.g. Guangdong 2024)."
        ),
    ),
    RuleDef(
        key="canteen.nutrition_subsidy_per_day",
        name=_("Nutrition improvement subsidy per pupil per day"),
        kind=Kind.DECIMAL,
        default=Decimal("5.00"),
        unit=YUAN,
        source="农村义务教育学生营养改善计划 提标通知 2021 (4 → 5 元 from autumn 2021)",
        certainty=Certainty.REPORTED,
        description=_("Spent on food for pupils only; never paid out in cash."),
        extra=MONEY,
    ),
    RuleDef(
        key="canteen.nutrition_school_days_per_year",
        name=_("Nutrition subsidy school days per year"),
        kind=Kind.INTEGER,
        default=200,
        unit=DAYS,
        source="农村义务教育学生营养改善计划 (200 school days/year)",
        certainty=Certainty.REPORTED,
        extra={"min": 1, "max": 366},
    ),
)

# ---------------------------------------------------------------------------------------------
# Safety (DOMAIN §3)

define(
    RuleDef(
        key="safety.drill_max_interval_days",
        name=_("Longest interval between evacuation drills"),
        kind=Kind.INTEGER,
        default=31,
        unit=DAYS,
        source="《中小学幼儿园应急疏散演练指南》教基一厅〔2014〕2号 (at least one drill per month)",
        certainty=Certainty.REPORTED,
        description=_(
            "Primary and secondary schools hold an evacuation drill every month; alert after this many days without one."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.drill_max_interval_days_kindergarten",
        name=_("Longest interval between drills (kindergartens)"),
        kind=Kind.INTEGER,
        default=92,
        unit=DAYS,
        source="教基一厅〔2014〕2号 (kindergartens at least once per quarter; 青岛 2015: every 2 months)",
        certainty=Certainty.REPORTED,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.evacuation_target_seconds",
        name=_("Evacuation target time"),
        kind=Kind.INTEGER,
        default=120,
        unit=_("seconds"),
        source="教基一厅〔2014〕2号 (≤ 4 floors, clear exits: within 2 minutes; some report 3 min for primary pupils)",
        certainty=Certainty.REPORTED,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.evacuation_target_max_floors",
        name=_("Evacuation target applies up to floors"),
        kind=Kind.INTEGER,
        default=4,
        unit=_("floors"),
        source="教基一厅〔2014〕2号",
        certainty=Certainty.REPORTED,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.night_dorm_drills_per_year",
        name=_("Night-time dormitory drills per year (boarding schools)"),
        kind=Kind.INTEGER,
        default=2,
        unit=TIMES,
        source="青岛 2015 drill rules",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.bus_drills_per_year",
        name=_("School bus evacuation drills per year"),
        kind=Kind.INTEGER,
        default=2,
        unit=TIMES,
        source="青岛 2015; 《校车安全管理条例》国务院令第617号 art. 12 (periodic drills)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.inspections_per_semester",
        name=_("School safety inspections per semester"),
        kind=Kind.INTEGER,
        default=2,
        unit=TIMES,
        source="宁波市学校安全条例 (at least twice per semester)",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.inspection_schedule",
        name=_("Safety inspection cadence"),
        kind=Kind.JSON,
        default={
            "patrol_every_days": 1,
            "department_check_every_days": 7,
            "leadership_check_every_days": 30,
            "full_screenings_per_semester": 1,
        },
        source="School safety rule templates (daily patrols, weekly department checks, monthly leadership screening, a full screening each semester)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.hazard_report_hours",
        name=_("Report an ordinary hazard within"),
        kind=Kind.INTEGER,
        default=24,
        unit=HOURS,
        source="School rule templates (ordinary hazards within 24 h to the safety office; major hazards immediately)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.hazard_deadlines",
        name=_("Default hazard rectification deadlines"),
        kind=Kind.JSON,
        default={"urgent_hours": 24, "ordinary_days": 7, "major_days": 30},
        source="Not fixed nationally; local defaults (urgent: at once / 24 h, ordinary: days, major: a tracked plan)",
        certainty=Certainty.LOCAL,
        description=_("Proposed deadline of a new hazard by level; the person recording it may shorten it."),
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.gate_staffed_hours",
        name=_("Gatehouse staffed hours per day"),
        kind=Kind.INTEGER,
        default=24,
        unit=HOURS,
        source="GB/T 29315-2022 《中小学、幼儿园安全防范要求》",
        certainty=Certainty.REPORTED,
        extra={"min": 0, "max": 24},
    ),
    RuleDef(
        key="safety.key_area_patrols_per_day",
        name=_("Patrols of key areas per day"),
        kind=Kind.INTEGER,
        default=5,
        unit=TIMES,
        source="GB/T 29315-2022",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.dorm_patrols_per_night",
        name=_("Dormitory night patrols"),
        kind=Kind.INTEGER,
        default=2,
        unit=TIMES,
        source="北京平安校园标准 (boarding dormitory night patrols ≥ 2)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.dorm_patrol_interval_hours",
        name=_("Dormitory patrol record at least every"),
        kind=Kind.INTEGER,
        default=2,
        unit=HOURS,
        source="A municipal dormitory rule (all-night duty, patrol record at least every 2 hours)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.boarding_night_guards",
        name=_("Guards on duty at night in boarding schools"),
        kind=Kind.INTEGER,
        default=1,
        unit=PEOPLE,
        source="北京平安校园标准",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.holiday_duty_hours",
        name=_("Duty hours per day in holidays"),
        kind=Kind.INTEGER,
        default=24,
        unit=HOURS,
        source="School duty rules (领导带班 + 教师值班 + 门卫, 24-hour duty in holidays)",
        certainty=Certainty.LOCAL,
        extra={"min": 0, "max": 24},
    ),
    RuleDef(
        key="safety.handover_signatures",
        name=_("Signatures on a duty handover"),
        kind=Kind.INTEGER,
        default=2,
        unit=PEOPLE,
        source="School duty rules (handover signed by both shifts)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.handover_early_minutes",
        name=_("Next shift arrives early by"),
        kind=Kind.INTEGER,
        default=15,
        unit=MINUTES,
        source="School duty rules",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.guard_staffing",
        name=_("Security guards by pupils"),
        kind=Kind.JSON,
        default={
            "small_school_pupils": 100,
            "small_school_guards": 1,
            "large_school_pupils": 1000,
            "large_school_guards": 3,
            "extra_guard_per_pupils": 500,
        },
        source="GB/T 29315-2022 (≥ 1 guard up to 100 non-boarding pupils; ≥ 3 from 1000; +1 per further 500)",
        certainty=Certainty.REPORTED,
        description=_(
            "Local standards are higher (Beijing: 3 up to 1000 people, 4 with boarders, +1 per 500; Chongqing: 4 from 100)."
        ),
        extra={"min": 0},
    ),
    RuleDef(
        key="safety.video_retention_days",
        name=_("Video surveillance kept for"),
        kind=Kind.INTEGER,
        default=30,
        unit=DAYS,
        source="辽宁 (video stored ≥ 30 days)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.bus_inspection_months",
        name=_("School bus safety inspection every"),
        kind=Kind.INTEGER,
        default=6,
        unit=MONTHS,
        source="《校车安全管理条例》国务院令第617号 art. 20",
        certainty=Certainty.VERBATIM,
        extra={"min": 1},
    ),
    RuleDef(
        key="safety.bus_driver_requirements",
        name=_("School bus driver requirements"),
        kind=Kind.JSON,
        default={"min_age": 25, "max_age": 60, "min_driving_years": 3, "review_every_months": 12},
        source="《校车安全管理条例》国务院令第617号 arts. 23, 26",
        certainty=Certainty.VERBATIM,
        description=_(
            "Age range and driving experience of a school bus driver, and how often the traffic police "
            "review the driver."
        ),
        extra={"le": [("min_age", "max_age")], "min": 0},
    ),
    RuleDef(
        key="safety.bus_speed_limits",
        name=_("School bus speed limits"),
        kind=Kind.JSON,
        default={"expressway_kmh": 80, "other_roads_kmh": 60},
        unit=_("km/h"),
        source="《校车安全管理条例》国务院令第617号 art. 35",
        certainty=Certainty.VERBATIM,
        extra={"min": 0},
    ),
)

# ---------------------------------------------------------------------------------------------
# Health and epidemic prevention (DOMAIN §4)

define(
    RuleDef(
        key="health.cluster_alert_one_day_cases",
        name=_("Cluster alert: cases in one day"),
        kind=Kind.INTEGER,
        default=3,
        unit=_("cases"),
        source="《学校和托幼机构传染病疫情报告工作规范（试行）》(2006) as quoted by schools",
        certainty=Certainty.LOCAL,
        description=_(
            "Alert when this many pupils of one class or dormitory fall ill with similar symptoms on one day."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="health.cluster_alert_window_days",
        name=_("Cluster alert: window of consecutive days"),
        kind=Kind.INTEGER,
        default=3,
        unit=DAYS,
        source="2006 规范 as quoted by schools",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="health.cluster_alert_window_cases",
        name=_("Cluster alert: cases within the window"),
        kind=Kind.INTEGER,
        default=5,
        unit=_("cases"),
        source="2006 规范 as quoted by schools (“more than 5 within 3 consecutive days”; others use ≥ 5 — verify)",
        certainty=Certainty.LOCAL,
        description=_(
            "Alert when at least this many similar cases occur in one class or dormitory within the window."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="health.cluster_report_hours",
        name=_("Report a suspected cluster within"),
        kind=Kind.INTEGER,
        default=24,
        unit=HOURS,
        source="2006 规范 as quoted by schools (24 h; many school rules tighten to 1 h)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="health.disease_cluster_thresholds",
        name=_("Disease-specific cluster thresholds"),
        kind=Kind.JSON,
        default=[
            {"disease": "hand_foot_mouth", "scope": "school", "cases": 5, "days": 7},
            {"disease": "hand_foot_mouth", "scope": "class", "cases": 2, "days": 7},
            {"disease": "norovirus", "scope": "school", "cases": 10, "days": 7},
            {"disease": "bacillary_dysentery", "scope": "school", "cases": 10, "days": 3},
            {"disease": "acute_haemorrhagic_conjunctivitis", "scope": "school", "cases": 3, "days": 7},
            {"disease": "influenza_like_illness", "scope": "school", "cases": 10, "days": 7},
            {"disease": "scarlet_fever", "scope": "school", "cases": 10, "days": 7},
            {"disease": "measles", "scope": "school", "cases": 2, "days": 10},
            {"disease": "rubella", "scope": "school", "cases": 5, "days": 7},
            {"disease": "mumps", "scope": "school", "cases": 5, "days": 7},
            {"disease": "chickenpox", "scope": "school", "cases": 5, "days": 7},
            {"disease": "dengue", "scope": "school", "cases": 3, "days": 14},
        ],
        source="湖州卫健委 summary of health-authority cluster thresholds (2023)",
        certainty=Certainty.REPORTED,
        description=_(
            "Per disease: this many cases within this many days in the school (or one class) is a cluster."
        ),
        extra={"min": 1},
    ),
    RuleDef(
        key="health.morning_check_deadline_lesson",
        name=_("Class morning-check form handed in by lesson"),
        kind=Kind.INTEGER,
        default=3,
        source="湖南省 school template (handed to the reporter by the third lesson)",
        certainty=Certainty.LOCAL,
        extra={"min": 1, "max": 10},
    ),
    RuleDef(
        key="health.zero_report_required",
        name=_("Zero report when no pupil has symptoms"),
        kind=Kind.BOOLEAN,
        default=True,
        source="湖南省 school template (零报告)",
        certainty=Certainty.LOCAL,
    ),
    RuleDef(
        key="health.class_reporter_training_per_semester",
        name=_("Training of class symptom reporters per semester"),
        kind=Kind.INTEGER,
        default=1,
        unit=TIMES,
        source="GB 28932-2012; WS/T 772-2020 (trained and assessed every semester)",
        certainty=Certainty.REPORTED,
        extra={"min": 0},
    ),
    RuleDef(
        key="health.ventilation",
        name=_("Ventilation of classrooms and dormitories"),
        kind=Kind.JSON,
        default={"times_per_day": 3, "minutes_each": 30},
        source="Local epidemic-season guidance (≥ 3 times a day, ≥ 30 min each; some say 2–3 times)",
        certainty=Certainty.LOCAL,
        extra={"min": 0},
    ),
    RuleDef(
        key="health.disinfection",
        name=_("Disinfection of school premises"),
        kind=Kind.JSON,
        default={
            "surface_min_mg_per_l": 250,
            "surface_max_mg_per_l": 500,
            "surface_contact_minutes": 30,
            "toilet_mg_per_l": 500,
            "uv_lamp_minutes": 30,
        },
        source="Local disinfection guidance (high-touch surfaces 250–500 mg/L available chlorine for 30 min, "
        "toilets 500 mg/L, UV lamps in empty rooms 30 min – 1 h)",
        certainty=Certainty.LOCAL,
        extra={"le": [("surface_min_mg_per_l", "surface_max_mg_per_l")], "min": 0},
    ),
    RuleDef(
        key="health.pupils_per_health_technician",
        name=_("Pupils per health technician"),
        kind=Kind.INTEGER,
        default=600,
        unit=PEOPLE,
        source="《学校卫生工作条例》(1990)",
        certainty=Certainty.VERBATIM,
        description=_(
            "Schools with this many pupils have a clinic with one health technician per this many pupils; smaller ones a health teacher."
        ),
        extra={"min": 1},
    ),
)

# ---------------------------------------------------------------------------------------------
# Finance, fees and subsidies (DOMAIN §5)

define(
    RuleDef(
        key="finance.subsidy_boarder_primary_per_year",
        name=_("Living subsidy for boarders in need, primary, per year"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=YUAN,
        source="家庭经济困难寄宿生生活补助 (陕西 2019; 云南嵩明 2020): 小学 1000 元/生/年",
        certainty=Certainty.REPORTED,
        description=_("Paid per semester (half each)."),
        extra=MONEY,
    ),
    RuleDef(
        key="finance.subsidy_boarder_junior_per_year",
        name=_("Living subsidy for boarders in need, junior secondary, per year"),
        kind=Kind.DECIMAL,
        default=Decimal("1250.00"),
        unit=YUAN,
        source="家庭经济困难寄宿生生活补助 (陕西 2019; 云南嵩明 2020): 初中 1250 元/生/年",
        certainty=Certainty.REPORTED,
        extra=MONEY,
    ),
    RuleDef(
        key="finance.subsidy_non_boarder_share",
        name=_("Share of the subsidy for non-boarders in need"),
        kind=Kind.DECIMAL,
        default=Decimal("0.5"),
        source="陕西 2019; 云南嵩明 2020 (建档立卡等四类 non-boarders: 50 %)",
        certainty=Certainty.REPORTED,
        extra={"min": 0, "max": 1},
    ),
    RuleDef(
        key="finance.subsidy_payments_per_year",
        name=_("Subsidy payments per year"),
        kind=Kind.INTEGER,
        default=2,
        unit=TIMES,
        source="陕西 (paid per semester, as meal vouchers or onto meal cards)",
        certainty=Certainty.LOCAL,
        extra={"min": 1, "max": 12},
    ),
    RuleDef(
        key="finance.subsidy_publicity_days",
        name=_("Publicity period of a subsidy list"),
        kind=Kind.INTEGER,
        default=7,
        unit=DAYS,
        source="广西 example (7 days at school and in the home township); others 5 working days",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="finance.petty_cash_limit",
        name=_("Cash settlement limit"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=YUAN,
        source="《现金管理暂行条例》(2011 修订): 结算起点 1000 元",
        certainty=Certainty.VERBATIM,
        description=_("Payments below this amount may be made in cash; above it by bank transfer."),
        extra=MONEY,
    ),
    RuleDef(
        key="finance.cash_on_hand_days",
        name=_("Cash on hand covers at most"),
        kind=Kind.INTEGER,
        default=5,
        unit=DAYS,
        source="《现金管理暂行条例》 (3–5 days of petty expenses)",
        certainty=Certainty.VERBATIM,
        extra={"min": 1},
    ),
    RuleDef(
        key="finance.cash_on_hand_days_remote",
        name=_("Cash on hand covers at most (remote areas)"),
        kind=Kind.INTEGER,
        default=15,
        unit=DAYS,
        source="《现金管理暂行条例》 (remote areas up to 15 days)",
        certainty=Certainty.VERBATIM,
        extra={"min": 1},
    ),
    RuleDef(
        key="finance.budget_no_deficit",
        name=_("No deficit budget"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《中小学校财务制度》财教〔2012〕488号 art. 12",
        certainty=Certainty.VERBATIM,
    ),
    RuleDef(
        key="finance.fee_publicity_before_charge",
        name=_("A fee is published before it is charged"),
        kind=Kind.BOOLEAN,
        default=True,
        source="《教育收费公示制度》(2002); fees not published may not be charged (local rule)",
        certainty=Certainty.LOCAL,
    ),
    RuleDef(
        key="finance.fee_complaint_phone",
        name=_("Price complaint line on fee notices"),
        kind=Kind.TEXT,
        default="12358",
        source="《教育收费公示制度》(2002) (投诉电话); 12358 price complaint line",
        certainty=Certainty.LOCAL,
    ),
    RuleDef(
        key="finance.service_fee_settlement",
        name=_("Service and collected fees settled per"),
        kind=Kind.TEXT,
        default="semester",
        source="教财〔2020〕5号 and provincial rules (per semester or month by actual cost, 多退少不补)",
        certainty=Certainty.REPORTED,
        extra={"choices": ["semester", "month"]},
    ),
    RuleDef(
        key="finance.service_fee_refund_surplus",
        name=_("Refund the surplus of service fees"),
        kind=Kind.BOOLEAN,
        default=True,
        source="教财〔2020〕5号 (多退少不补)",
        certainty=Certainty.REPORTED,
        description=_("A surplus is refunded to families; a shortfall is not charged afterwards."),
    ),
    RuleDef(
        key="finance.disclosure_period",
        name=_("Financial disclosure reports per"),
        kind=Kind.TEXT,
        default="semester",
        source="School 财务公开 practice (per term or month)",
        certainty=Certainty.LOCAL,
        extra={"choices": ["month", "semester"]},
    ),
)

# ---------------------------------------------------------------------------------------------
# Facilities (DOMAIN §2.1, §3.4, §4)

define(
    RuleDef(
        key="facilities.project_final_accounts_months",
        name=_("Final accounts of a completed project within"),
        kind=Kind.INTEGER,
        default=12,
        unit=MONTHS,
        source="《行政事业性国有资产管理条例》国务院令第738号 art. 31 (竣工财务决算 within 1 year at most)",
        certainty=Certainty.VERBATIM,
        extra={"min": 1},
    ),
    RuleDef(
        key="facilities.aircon_filter_clean_days",
        name=_("Clean air-conditioner filters every"),
        kind=Kind.INTEGER,
        default=30,
        unit=DAYS,
        source="Local ventilation and disinfection guidance (filters monthly)",
        certainty=Certainty.LOCAL,
        extra={"min": 1},
    ),
    RuleDef(
        key="facilities.girls_dorm_female_manager",
        name=_("Girls' dormitories are managed by women"),
        kind=Kind.BOOLEAN,
        default=True,
        source="北京平安校园标准; 《中小学幼儿园安全管理办法》 (special care for girls' dormitories)",
        certainty=Certainty.LOCAL,
    ),
)
