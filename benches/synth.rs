//! Synthetic site generator for the tebiki benchmark (see benches/README.md).
//!
//!     cargo run --release --example synth -- --pages N --out DIR [--seed S] [--zola]
//!
//! Writes the same N Markdown pages twice:
//!
//! * `DIR/tebiki/` in tebiki's content format (docs: shared spec `content-model.md`):
//!   `content/site.yaml`, `content/contacts.yaml`, `content/schedule/2022.yaml`, and
//!   `content/{surveys,laws,roadmap,pages}/<id>.md` (50/20/20/10 %);
//! * `DIR/hugo/`: a Hugo site with the same bodies, a minimal theme in `layouts/` and
//!   body links rewritten to the pages' output URLs;
//! * with `--zola`, also `DIR/zola/`, the same for Zola.
//!
//! Std only, so that it also compiles on its own with
//! `rustc -O --edition 2021 benches/synth.rs` while the crate itself does not build.
//! The output is a pure function of (N, seed): every item draws from its own
//! splitmix64 stream, seeded from the seed, its kind and its number.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// ---------------------------------------------------------------- PRNG

/// splitmix64: tiny, fast, good enough for synthetic text.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        ((self.next_u64() >> 11) % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// `k` distinct indices of `0..n`, in the order drawn.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k {
            let x = self.below(n);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
}

/// Seed of one item's stream.
fn item_seed(seed: u64, kind: Kind, i: usize, stream: u64) -> u64 {
    let mut r = Rng::new(
        seed ^ (kind as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F)
            ^ (i as u64 + 1).wrapping_mul(0xE703_7ED1_A0B4_28DB)
            ^ stream.wrapping_mul(0x8EBC_6AF0_9C88_C6E3),
    );
    r.next_u64()
}

// ---------------------------------------------------------------- word pools

const SURVEY_SUBJECTS: &[(&str, usize)] = &[
    // (subject, category: 0 health, 1 welfare, 2 labour)
    ("国民生活基礎", 0),
    ("患者", 0),
    ("医療施設", 0),
    ("人口動態", 0),
    ("国民健康・栄養", 0),
    ("衛生行政報告例", 0),
    ("地域保健・健康増進事業報告", 0),
    ("受療行動", 0),
    ("歯科疾患実態", 0),
    ("介護サービス施設・事業所", 1),
    ("社会福祉施設等", 1),
    ("福祉行政報告例", 1),
    ("被保護者", 1),
    ("介護給付費等実態", 1),
    ("障害福祉サービス等経営実態", 1),
    ("全国ひとり親世帯等", 1),
    ("賃金構造基本統計", 2),
    ("毎月勤労統計", 2),
    ("雇用動向", 2),
    ("就労条件総合", 2),
    ("労働安全衛生", 2),
    ("労使関係総合", 2),
    ("能力開発基本", 2),
    ("労働経済動向", 2),
];
const SURVEY_VARIANTS: &[&str] = &[
    "調査",
    "調査",
    "調査（静態）",
    "調査（動態）",
    "調査（特別集計）",
    "調査（都道府県別）",
    "統計",
];
const CATEGORIES: &[&str] = &["health", "welfare", "labour"];
const TRACKS: &[(&str, &str)] = &[
    ("health", "保健統計"),
    ("welfare", "社会福祉統計"),
    ("labour", "労働統計"),
];
const FREQUENCIES: &[&str] = &[
    "毎月",
    "毎年１０月",
    "毎年６月",
    "毎年",
    "３年周期",
    "５年周期",
    "２年周期",
    "四半期ごと",
];
const METHODS: &[&str] = &["online", "mail", "enumerator", "prefecture"];

const LAWS: &[(&str, &str)] = &[
    ("統計法", "統計法"),
    ("個人情報の保護に関する法律", "個人情報保護法"),
    (
        "行政手続における特定の個人を識別するための番号の利用等に関する法律",
        "番号法",
    ),
    ("地方公共団体情報システムの標準化に関する法律", "標準化法"),
    ("デジタル社会形成基本法", "デジタル社会形成基本法"),
    ("デジタル庁設置法", "デジタル庁設置法"),
    ("健康保険法", "健保法"),
    ("国民健康保険法", "国保法"),
    ("高齢者の医療の確保に関する法律", "高齢者医療確保法"),
    ("介護保険法", "介護保険法"),
    ("生活保護法", "生活保護法"),
    ("社会福祉法", "社会福祉法"),
    ("医療法", "医療法"),
    ("健康増進法", "健康増進法"),
    ("労働基準法", "労基法"),
    ("労働安全衛生法", "安衛法"),
    ("雇用保険法", "雇用保険法"),
    ("住民基本台帳法", "住基法"),
];
const LAW_VARIANTS: &[&str] = &["", "", "施行令", "施行規則", "の一部を改正する法律"];
const LAW_STATUS: &[&str] = &[
    "in_force", "in_force", "in_force", "in_force", "in_force", "enacted", "planned",
];

const PROGRAMS: &[(&str, &str)] = &[
    ("mynumber-card", "マイナンバーカード"),
    ("data-health", "データヘルス改革"),
    ("local-standardization", "地方公共団体情報システムの標準化"),
    ("online-procedures", "行政手続のオンライン化"),
    ("open-data", "オープンデータの推進"),
];
const ROADMAP_ACTIONS: &[&str] = &[
    "健康保険証としての利用",
    "オンライン資格確認の導入",
    "電子処方箋の運用開始",
    "標準準拠システムへの移行",
    "ガバメントクラウドの活用",
    "APIの公開",
    "公金受取口座の登録",
    "PHRの推進",
    "調査票のオンライン回答化",
    "基幹統計のデータカタログ整備",
    "自治体窓口DXの推進",
    "医療情報の標準化",
];
const NUMBERS: &[&str] = &["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"];
const MILESTONE_LABELS: &[&str] = &[
    "仕様書の策定",
    "実証事業",
    "本格運用",
    "システム改修",
    "全国展開",
    "効果検証",
    "検討会での取りまとめ",
    "ガイドラインの改定",
];

const PAGE_TOPICS: &[&str] = &[
    "予算の概要",
    "組織図",
    "調査票の記入方法",
    "よくある質問",
    "オープンデータの利用",
    "用語集",
    "統計の見方",
    "個人情報の取扱い",
    "問い合わせの手順",
    "公表予定の見方",
    "ウェブサイトの利用案内",
    "申請手続の案内",
];

const TAGS: &[&str] = &[
    "人口",
    "世帯",
    "医療",
    "介護",
    "年金",
    "保健",
    "福祉",
    "障害者",
    "子ども",
    "高齢者",
    "雇用",
    "賃金",
    "労働時間",
    "労働安全",
    "所得",
    "健康",
    "感染症",
    "栄養",
    "生活保護",
    "オープンデータ",
    "マイナンバー",
    "e-Stat",
    "オンライン調査",
    "標準化",
    "データヘルス",
    "地方公共団体",
    "統計法",
    "個人情報",
    "api",
    "匿名データ",
];

const SUBJECTS: &[&str] = &[
    "本調査は",
    "この統計は",
    "当該制度は",
    "本施策は",
    "調査票情報は",
    "厚生労働省は",
    "各都道府県は",
    "市区町村の担当者は",
    "本ページでは",
    "集計結果は",
];
const CLAUSES: &[&str] = &[
    "全国の世帯及び世帯員を対象として",
    "保健、医療、福祉、年金、所得等国民生活の基礎的事項を把握するため",
    "オンライン調査システム（e-Survey）を通じて",
    "前回調査との比較可能性を確保しつつ",
    "個票データを匿名加工したうえで",
    "都道府県、保健所設置市及び特別区を経由して",
    "Excel形式及びCSV形式の集計表を",
    "政府統計の総合窓口（e-Stat）において",
    "APIを利用した機械判読可能な形で",
    "標本設計の見直しに合わせて",
    "回答者の負担軽減を図る観点から",
    "マイナンバーカードを活用した本人確認により",
    "地方公共団体の基幹業務システムの標準化に合わせて",
    "データヘルス改革の工程表に沿って",
    "調査客体の抽出に当たっては層化無作為抽出法を用い",
    "集計結果の公表予定日をあらかじめ周知し",
    "JSONやXMLなどの標準的なフォーマットで",
    "統計委員会の答申を踏まえ",
    "privacy by designの考え方に基づき",
    "OpenAPI仕様に準拠したインターフェースを通じて",
    "令和４年度から段階的に",
    "調査員による訪問に代えて郵送及びオンラインで",
    "欠測値の補定方法を明示したうえで",
    "Government Cloud上の共通基盤を用いて",
];
const ENDINGS: &[&str] = &[
    "実施している。",
    "公表する予定である。",
    "提供することとしている。",
    "取りまとめた。",
    "順次拡大していく。",
    "見直しを行った。",
    "必要な措置を講ずるものとする。",
    "留意されたい。",
    "検討を進めている。",
    "活用することができる。",
];
const INLINE_CODE: &[&str] = &[
    "`survey_id`",
    "`fiscal_year`",
    "`content/site.yaml`",
    "`getStatsData`",
    "`UTF-8`",
    "`--output`",
    "`tokei.csv`",
    "`statsDataId`",
];
const EMPHASIS: &[&str] = &[
    "**必須**",
    "*任意*",
    "**重要**",
    "*参考*",
    "**公表日厳守**",
    "~~旧様式~~",
];
const H2: &[&str] = &[
    "調査の目的",
    "調査の対象",
    "調査事項",
    "調査の方法",
    "集計及び公表",
    "利活用の状況",
    "経緯",
    "今後の予定",
    "制度の概要",
    "手続の流れ",
];
const H3: &[&str] = &[
    "補足",
    "注記",
    "調査票の配布",
    "回収方法",
    "用語の定義",
    "結果の精度",
    "更新履歴",
    "対象期間",
];
const BULLETS: &[&str] = &[
    "調査票はオンライン（e-Survey）又は郵送で回収する",
    "集計表はCSVとExcelの両方で提供する",
    "都道府県別の結果は**確報**でのみ公表する",
    "回答期限は原則として調査期日の翌月末日とする",
    "匿名データの提供はapplication formによる申出が必要",
    "標本の抽出は国勢調査区を第１次抽出単位とする",
    "e-StatのAPIで`statsDataId`を指定して取得できる",
    "過去の結果は時系列表として再集計済み",
    "個人情報を含む調査票情報は所定の期間保存した後に廃棄する",
    "問い合わせは担当係の内線番号まで",
    "地方公共団体への依頼文書は別途通知する",
    "Markdownの表はGFM形式で記述する",
];
const STEPS: &[&str] = &[
    "調査計画を総務大臣に申請する",
    "調査票の様式を確定し、`survey.yaml`に登録する",
    "都道府県を経由して調査客体へ調査票を配布する",
    "オンライン又は郵送により調査票を回収する",
    "審査及び符号格付を行い、エラーチェックを実施する",
    "集計結果をe-Statに登録して公表する",
    "匿名データを作成し、利用者への提供を開始する",
];
const TABLE_ITEMS: &[&str] = &[
    "調査期日",
    "調査対象",
    "客体数",
    "回収率",
    "公表時期",
    "調査方法",
    "集計区分",
    "根拠法令",
];
const TABLE_CONTENTS: &[&str] = &[
    "毎年６月の第１木曜日",
    "全国の世帯及び世帯員",
    "約５万世帯",
    "オンライン回答率の向上",
    "翌年７月（概況）",
    "調査員調査及びonline",
    "都道府県・性・年齢階級",
    "統計法第９条",
];
const TABLE_NOTES: &[&str] = &["", "速報値", "確報で改定", "前年比較可", "参考値", "—"];
const FOOTNOTES: &[&str] = &[
    "令和４年度の数値は速報値であり、確報で改定されることがある。",
    "e-Stat（https://www.e-stat.go.jp/）で公開している集計表による。",
    "調査の対象から東日本大震災の影響を受けた一部地域を除いている。",
    "本文中の金額は消費税を含まない。",
];
const LINK_LEADS: &[&str] = &[
    "詳しくは",
    "関連する制度として",
    "あわせて",
    "根拠については",
    "具体的な手順は",
];
const LINK_TAILS: &[&str] = &[
    "を参照されたい。",
    "も確認すること。",
    "に記載がある。",
    "を参照のこと。",
];

const CONTACTS: &[(&str, &str, &str, &str)] = &[
    (
        "jinko-dotai",
        "人口動態統計",
        "政策統括官付",
        "人口動態・保健社会統計室",
    ),
    (
        "kokumin-seikatsu",
        "国民生活基礎調査",
        "政策統括官付",
        "世帯統計室",
    ),
    (
        "iryo-shisetsu",
        "医療施設調査",
        "政策統括官付",
        "保健統計室",
    ),
    ("kanja-chosa", "患者調査", "政策統括官付", "保健統計室"),
    (
        "eisei-gyosei",
        "衛生行政報告例",
        "政策統括官付",
        "行政報告統計室",
    ),
    (
        "fukushi-gyosei",
        "福祉行政報告例",
        "政策統括官付",
        "行政報告統計室",
    ),
    (
        "kaigo-service",
        "介護サービス施設・事業所調査",
        "政策統括官付",
        "社会統計室",
    ),
    (
        "shakai-fukushi",
        "社会福祉施設等調査",
        "政策統括官付",
        "社会統計室",
    ),
    ("hihogosha", "被保護者調査", "社会・援護局", "保護課"),
    (
        "chingin-kozo",
        "賃金構造基本統計調査",
        "政策統括官付",
        "賃金福祉統計室",
    ),
    (
        "maitsuki-kinro",
        "毎月勤労統計調査",
        "政策統括官付",
        "雇用・賃金福祉統計課",
    ),
    (
        "koyo-doko",
        "雇用動向調査",
        "政策統括官付",
        "雇用・賃金福祉統計課",
    ),
    (
        "shuro-joken",
        "就労条件総合調査",
        "政策統括官付",
        "賃金福祉統計室",
    ),
    (
        "rodo-anzen",
        "労働安全衛生調査",
        "政策統括官付",
        "賃金福祉統計室",
    ),
    (
        "mynumber",
        "マイナンバー制度",
        "大臣官房",
        "情報化担当参事官室",
    ),
    (
        "data-health",
        "データヘルス改革",
        "医政局",
        "医療情報担当参事官室",
    ),
    (
        "hyojunka",
        "自治体システム標準化",
        "大臣官房",
        "情報化担当参事官室",
    ),
    (
        "open-data",
        "オープンデータ",
        "政策統括官付",
        "統計企画調整官室",
    ),
    (
        "tokumei-data",
        "匿名データの提供",
        "政策統括官付",
        "統計管理室",
    ),
    ("site-admin", "本サイトの運営", "大臣官房", "広報室"),
];
const FAMILY: &[&str] = &[
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
];
const GIVEN: &[&str] = &[
    "一郎", "花子", "健太", "陽子", "誠", "美穂", "大輔", "恵", "翔", "由美",
];

// ---------------------------------------------------------------- model

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Survey = 0,
    Law = 1,
    Roadmap = 2,
    Page = 3,
}
const KINDS: [Kind; 4] = [Kind::Survey, Kind::Law, Kind::Roadmap, Kind::Page];

impl Kind {
    fn dir(self) -> &'static str {
        ["surveys", "laws", "roadmap", "pages"][self as usize]
    }
    fn prefix(self) -> &'static str {
        ["survey", "law", "roadmap", "page"][self as usize]
    }
    fn section_title(self) -> &'static str {
        ["統計調査", "法令", "工程表", "ページ"][self as usize]
    }
}

/// What other items need to know about an item: its title, and for surveys the
/// category (for laws the index of the short title, for roadmap items the program).
struct Meta {
    title: String,
    class: usize,
}

struct Site {
    seed: u64,
    counts: [usize; 4],
    metas: [Vec<Meta>; 4],
}

fn id(kind: Kind, i: usize) -> String {
    format!("{}-{:05}", kind.prefix(), i + 1)
}

fn make_meta(seed: u64, kind: Kind, i: usize) -> Meta {
    let mut r = Rng::new(item_seed(seed, kind, i, 1));
    let n = i + 1;
    match kind {
        Kind::Survey => {
            let (subject, cat) = r.pick(SURVEY_SUBJECTS);
            let variant = r.pick(SURVEY_VARIANTS);
            Meta {
                title: format!("{subject}{variant} その{n}"),
                class: cat,
            }
        }
        Kind::Law => {
            let li = r.below(LAWS.len());
            let variant = r.pick(LAW_VARIANTS);
            Meta {
                title: format!("{}{} その{}", LAWS[li].0, variant, n),
                class: li,
            }
        }
        Kind::Roadmap => {
            let pi = r.below(PROGRAMS.len());
            let action = r.pick(ROADMAP_ACTIONS);
            Meta {
                title: format!("{}：{} その{}", PROGRAMS[pi].1, action, n),
                class: pi,
            }
        }
        Kind::Page => {
            let topic = r.pick(PAGE_TOPICS);
            Meta {
                title: format!("{topic} その{n}"),
                class: 0,
            }
        }
    }
}

impl Site {
    fn new(pages: usize, seed: u64) -> Site {
        let surveys = pages / 2;
        let laws = pages / 5;
        let roadmap = pages / 5;
        let free = pages - surveys - laws - roadmap;
        let counts = [surveys, laws, roadmap, free];
        let metas = KINDS.map(|k| {
            (0..counts[k as usize])
                .map(|i| make_meta(seed, k, i))
                .collect()
        });
        Site {
            seed,
            counts,
            metas,
        }
    }
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
    fn meta(&self, kind: Kind, i: usize) -> &Meta {
        &self.metas[kind as usize][i]
    }
    /// Global index -> (kind, index within kind).
    fn locate(&self, mut g: usize) -> (Kind, usize) {
        for k in KINDS {
            if g < self.counts[k as usize] {
                return (k, g);
            }
            g -= self.counts[k as usize];
        }
        unreachable!()
    }
    fn global(&self, kind: Kind, i: usize) -> usize {
        self.counts[..kind as usize].iter().sum::<usize>() + i
    }
    /// Up to `k` distinct other items.
    fn others(&self, r: &mut Rng, me: (Kind, usize), k: usize) -> Vec<(Kind, usize)> {
        let n = self.total();
        let mine = self.global(me.0, me.1);
        let k = k.min(n.saturating_sub(1));
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let g = r.below(n);
            if g != mine && !out.iter().any(|&(kk, ii)| self.global(kk, ii) == g) {
                out.push(self.locate(g));
            }
        }
        out
    }
}

// ---------------------------------------------------------------- text

fn q(s: &str) -> String {
    // A YAML double-quoted scalar (also a valid TOML basic string for our text).
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn flow_list<S: AsRef<str>>(xs: &[S]) -> String {
    let items: Vec<&str> = xs.iter().map(|s| s.as_ref()).collect();
    format!("[{}]", items.join(", "))
}

fn sentence(r: &mut Rng, extra: Option<&str>) -> String {
    let mut s = String::new();
    s.push_str(r.pick(SUBJECTS));
    s.push('、');
    let n = r.range(2, 4);
    for (j, c) in r.sample(CLAUSES.len(), n).into_iter().enumerate() {
        if j > 0 {
            s.push('、');
        }
        s.push_str(CLAUSES[c]);
        if r.chance(12) {
            s.push_str(r.pick(INLINE_CODE));
            s.push_str("を用いて");
        } else if r.chance(10) {
            s.push_str(r.pick(EMPHASIS));
            s.push('で');
        }
    }
    if let Some(e) = extra {
        s.push_str(e);
    }
    let ending = r.pick(ENDINGS);
    s.push_str(ending);
    s
}

fn paragraph(r: &mut Rng, sentences: usize) -> String {
    let mut p = String::new();
    for _ in 0..sentences {
        p.push_str(&sentence(r, None));
    }
    p
}

fn code_block(r: &mut Rng, lang: &str, my_id: &str) -> String {
    let year = 2015 + r.below(8);
    let n = r.range(100, 99_999);
    let body = match lang {
        "rust" => format!(
            "use std::collections::BTreeMap;\n\n\
             /// 集計区分ごとの件数を数える（{my_id}）\n\
             fn count_by_category(rows: &[(String, u32)]) -> BTreeMap<&str, u32> {{\n\
             \x20   let mut out = BTreeMap::new();\n\
             \x20   for (cat, n) in rows {{\n\
             \x20       *out.entry(cat.as_str()).or_insert(0) += n;\n\
             \x20   }}\n\
             \x20   out\n\
             }}\n\n\
             const FISCAL_YEAR: u32 = {year};\n"
        ),
        "python" => format!(
            "import csv\n\n\
             def load(path=\"data/{my_id}.csv\"):\n\
             \x20   \"\"\"調査票情報を読み込む\"\"\"\n\
             \x20   with open(path, encoding=\"utf-8\") as f:\n\
             \x20       return [row for row in csv.DictReader(f) if int(row[\"year\"]) >= {year}]\n\n\
             print(len(load()), \"rows\")  # 期待値: {n}\n"
        ),
        "sql" => format!(
            "-- 都道府県別の回答数\n\
             SELECT prefecture, COUNT(*) AS answers\n\
             FROM responses\n\
             WHERE survey_id = '{my_id}' AND fiscal_year = {year}\n\
             GROUP BY prefecture\n\
             HAVING COUNT(*) > {}\n\
             ORDER BY answers DESC;\n",
            n % 500
        ),
        "yaml" => format!(
            "survey: {my_id}\n\
             fiscal_year: {year}\n\
             schedule:\n\
             \x20 - when: {year}-05 early\n\
             \x20   title: 調査票の配布\n\
             \x20 - when: {year}-07\n\
             \x20   title: 結果の公表\n"
        ),
        "json" => format!(
            "{{\n  \"survey\": \"{my_id}\",\n  \"year\": {year},\n  \"methods\": [\"online\", \"mail\"],\n  \"count\": {n},\n  \"note\": \"速報値\"\n}}\n"
        ),
        "bash" => format!(
            "# e-Stat APIから統計表を取得する\n\
             curl -s \"https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData?statsDataId=000{n}\" \\\n\
             \x20 | jq '.GET_STATS_DATA.STATISTICAL_DATA' > out/{my_id}.json\n\
             echo \"done: $(wc -c < out/{my_id}.json) bytes\"\n"
        ),
        _ => format!(
            "%% 独自形式の集計定義（unknown language）\n\
             tabulate {my_id} by region, sex, age_group\n\
             \x20 where year >= {year}\n\
             \x20 -> out/{my_id}.tbl\n"
        ),
    };
    format!("```{lang}\n{body}```\n")
}

const LANGS: &[&str] = &["rust", "python", "sql", "yaml", "json", "bash", "foo"];

fn link_path(kind: Kind, i: usize) -> String {
    format!("../{}/{}.md", kind.dir(), id(kind, i))
}

impl Site {
    /// The Markdown body in tebiki's form (links are relative `.md` source paths).
    fn body(&self, kind: Kind, i: usize) -> String {
        let mut r = Rng::new(item_seed(self.seed, kind, i, 2));
        let my_id = id(kind, i);
        let target = r.range(2500, 3500); // bytes of body; front matter adds ~300-600
        let nlinks = r.range(3, 6);
        let mut links = self.others(&mut r, (kind, i), nlinks).into_iter();
        let link = |r: &mut Rng, links: &mut std::vec::IntoIter<(Kind, usize)>| -> Option<String> {
            links.next().map(|(k, j)| {
                format!(
                    "{}[{}]({}){}",
                    r.pick(LINK_LEADS),
                    self.meta(k, j).title,
                    link_path(k, j),
                    r.pick(LINK_TAILS)
                )
            })
        };
        let mut b = String::with_capacity(5000);

        // Lead paragraph with one inline link and the footnote reference.
        b.push_str(&sentence(&mut r, Some("[^1]")));
        b.push_str(&paragraph(&mut r, 1));
        if let Some(l) = link(&mut r, &mut links) {
            b.push_str(&l);
        }
        b.push_str("\n\n");

        let mut h2s = r.sample(H2.len(), 3).into_iter().map(|x| H2[x]);
        let dup_h3 = "留意事項";

        // Section 1: paragraphs, bullet list, a sub-section.
        let _ = writeln!(b, "## {}\n", h2s.next().unwrap());
        let k = r.range(1, 2);
        b.push_str(&paragraph(&mut r, k));
        b.push_str("\n\n");
        let k = r.range(3, 6);
        for x in r.sample(BULLETS.len(), k) {
            let _ = writeln!(b, "- {}", BULLETS[x]);
        }
        b.push('\n');
        let _ = writeln!(b, "### {}\n", dup_h3);
        b.push_str(&paragraph(&mut r, 1));
        if let Some(l) = link(&mut r, &mut links) {
            b.push_str(&l);
        }
        b.push_str("\n\n");

        // Section 2: numbered list, table, first code block.
        let _ = writeln!(b, "## {}\n", h2s.next().unwrap());
        b.push_str(&paragraph(&mut r, 1));
        b.push_str("\n\n");
        let first = r.below(STEPS.len() - 3);
        for (k, s) in STEPS[first..first + r.range(3, 4)].iter().enumerate() {
            let _ = writeln!(b, "{}. {}", k + 1, s);
        }
        b.push('\n');
        b.push_str("| 項目 | 内容 | 件数 | 備考 |\n|---|---|---:|---|\n");
        let k = r.range(3, 6);
        for x in r.sample(TABLE_ITEMS.len(), k) {
            let v = r.range(1, 999_999);
            let _ = writeln!(
                b,
                "| {} | {} | {},{:03} | {} |",
                TABLE_ITEMS[x],
                r.pick(TABLE_CONTENTS),
                v / 1000,
                v % 1000,
                r.pick(TABLE_NOTES)
            );
        }
        b.push('\n');
        let langs = r.sample(LANGS.len(), 2);
        b.push_str(&code_block(&mut r, LANGS[langs[0]], &my_id));
        b.push('\n');

        // Section 3: a sub-section, the duplicated heading again, second code block.
        let _ = writeln!(b, "## {}\n", h2s.next().unwrap());
        let _ = writeln!(b, "### {}\n", r.pick(H3));
        b.push_str(&paragraph(&mut r, 1));
        b.push_str("\n\n");
        b.push_str(&code_block(&mut r, LANGS[langs[1]], &my_id));
        b.push('\n');
        let _ = writeln!(b, "### {}\n", dup_h3);
        b.push_str(&paragraph(&mut r, 1));
        b.push_str("\n\n");

        // Pad with more prose to the size drawn for this page.
        let mut extra = 0;
        while b.len() + 400 < target {
            if extra == 0 {
                let _ = writeln!(b, "### {}\n", r.pick(H3));
            }
            b.push_str(&paragraph(&mut r, 1));
            b.push_str("\n\n");
            extra += 1;
        }

        // Remaining links as a list.
        let rest: Vec<_> = links.collect();
        if !rest.is_empty() {
            b.push_str("## 関連情報\n\n");
            for (k, j) in rest {
                let _ = writeln!(
                    b,
                    "- [{}]({})：{}",
                    self.meta(k, j).title,
                    link_path(k, j),
                    r.pick(BULLETS)
                );
            }
            b.push('\n');
        }
        let _ = writeln!(b, "[^1]: {}", r.pick(FOOTNOTES));
        b
    }

    fn tags(r: &mut Rng) -> Vec<&'static str> {
        let k = r.range(2, 5);
        r.sample(TAGS.len(), k)
            .into_iter()
            .map(|x| TAGS[x])
            .collect()
    }

    fn summary(r: &mut Rng, title: &str) -> String {
        format!("{title}について、{}{}", r.pick(CLAUSES), r.pick(ENDINGS))
    }

    /// Front matter in tebiki's form, and the (title, summary, tags) Hugo gets.
    fn front_matter(&self, kind: Kind, i: usize) -> (String, Option<String>, Vec<&'static str>) {
        let mut r = Rng::new(item_seed(self.seed, kind, i, 3));
        let m = self.meta(kind, i);
        let mut f = String::from("---\n");
        let _ = writeln!(f, "title: {}", q(&m.title));
        let mut summary = None;
        let mut tags = Vec::new();
        match kind {
            Kind::Survey => {
                let s = Self::summary(&mut r, &m.title);
                let _ = writeln!(f, "summary: {}", q(&s));
                summary = Some(s);
                let _ = writeln!(f, "category: {}", CATEGORIES[m.class]);
                let _ = writeln!(f, "frequency: {}", r.pick(FREQUENCIES));
                let mut methods: Vec<&str> =
                    METHODS.iter().copied().filter(|_| r.chance(50)).collect();
                if methods.is_empty() {
                    methods = vec!["online", "mail"];
                }
                let _ = writeln!(f, "methods: {}", flow_list(&methods));
                tags = Self::tags(&mut r);
                let _ = writeln!(f, "tags: {}", flow_list(&tags));
                let contacts: Vec<&str> = {
                    let k = r.range(1, 2);
                    r.sample(CONTACTS.len(), k)
                }
                .into_iter()
                .map(|x| CONTACTS[x].0)
                .collect();
                let _ = writeln!(f, "contacts: {}", flow_list(&contacts));
                self.id_list(&mut f, &mut r, "laws", Kind::Law, 0, 3);
                let nrel = r.range(0, 3);
                let related: Vec<String> = self
                    .others(&mut r, (kind, i), nrel)
                    .into_iter()
                    .map(|(k, j)| format!("{}/{}", k.dir(), id(k, j)))
                    .collect();
                if !related.is_empty() {
                    let _ = writeln!(f, "related: {}", flow_list(&related));
                }
            }
            Kind::Law => {
                let _ = writeln!(f, "short_title: {}", q(LAWS[m.class].1));
                let _ = writeln!(f, "status: {}", r.pick(LAW_STATUS));
                tags = Self::tags(&mut r);
                let _ = writeln!(f, "tags: {}", flow_list(&tags));
            }
            Kind::Roadmap => {
                let _ = writeln!(f, "program: {}", PROGRAMS[m.class].0);
                let _ = writeln!(f, "number: {}", q(r.pick(NUMBERS)));
                f.push_str("milestones:\n");
                let mut year = 2020 + r.below(2);
                let mut month = 1 + r.below(12);
                for _ in 0..r.range(1, 3) {
                    let label = r.pick(MILESTONE_LABELS);
                    let state = if year < 2022 { "done" } else { "planned" };
                    let start = if r.chance(25) {
                        format!("FY{year}")
                    } else {
                        format!("\"{year}-{month:02}\"")
                    };
                    let end = if r.chance(60) {
                        format!(", end: FY{}", year + 1)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        f,
                        "  - {{label: {}, start: {start}{end}, state: {state}}}",
                        q(label)
                    );
                    month += r.range(3, 9);
                    year += (month - 1) / 12;
                    month = (month - 1) % 12 + 1;
                }
                self.id_list(&mut f, &mut r, "laws", Kind::Law, 0, 2);
            }
            Kind::Page => {
                let s = Self::summary(&mut r, &m.title);
                let _ = writeln!(f, "summary: {}", q(&s));
                summary = Some(s);
                let _ = writeln!(f, "weight: {}", (i + 1) * 10);
                tags = Self::tags(&mut r);
                let _ = writeln!(f, "tags: {}", flow_list(&tags));
            }
        }
        f.push_str("---\n\n");
        (f, summary, tags)
    }

    fn id_list(&self, f: &mut String, r: &mut Rng, field: &str, kind: Kind, lo: usize, hi: usize) {
        let n = self.counts[kind as usize];
        if n == 0 {
            return;
        }
        let k = r.range(lo, hi);
        if k == 0 {
            return;
        }
        let ids: Vec<String> = r.sample(n, k).into_iter().map(|j| id(kind, j)).collect();
        let _ = writeln!(f, "{field}: {}", flow_list(&ids));
    }
}

/// `](../laws/law-00012.md)` -> `](../../laws/law-00012/)`: the page's output URL,
/// relative to the output URL of a page one section deep (`/surveys/survey-00001/`).
fn to_url_links(body: &str) -> String {
    const OPEN: &str = "](../";
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body;
    while let Some(p) = rest.find(OPEN) {
        out.push_str(&rest[..p]);
        out.push_str("](../../");
        rest = &rest[p + OPEN.len()..];
        let end = rest.find(".md)").expect("generated link ends in .md)");
        out.push_str(&rest[..end]);
        out.push_str("/)");
        rest = &rest[end + 4..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------- data files

impl Site {
    fn contacts_yaml(&self) -> String {
        let mut r = Rng::new(item_seed(self.seed, Kind::Page, usize::MAX - 1, 4));
        let mut s = String::from("main_phone: \"03-5253-1111\"\ncontacts:\n");
        for (id, topic, office, section) in CONTACTS {
            let _ = writeln!(
                s,
                "  - id: {id}\n    topic: {}\n    office: {}\n    section: {}\n    person: {}\n    extension: \"{}\"",
                q(topic),
                q(office),
                q(section),
                q(&format!("{} {}", r.pick(FAMILY), r.pick(GIVEN))),
                r.range(2000, 8999)
            );
        }
        s
    }

    fn schedule_yaml(&self) -> String {
        let mut r = Rng::new(item_seed(self.seed, Kind::Page, usize::MAX - 2, 5));
        let mut s = String::from("fiscal_year: 2022\ntracks:\n");
        for (id, title) in TRACKS {
            let _ = writeln!(s, "  - {{id: {id}, title: {title}}}");
        }
        s.push_str("events:\n");
        // Months of fiscal 2022: 2022-04 .. 2023-03, as (year, month).
        let ym = |k: usize| (2022 + (k + 3) / 12, (k + 3) % 12 + 1);
        let parts = ["early", "mid", "late"];
        let surveys = self.counts[Kind::Survey as usize];
        for e in 0..40 {
            let form = r.below(10);
            let m = r.below(12);
            let (y, mo) = ym(m);
            let when = if form < 4 {
                format!("{y}-{mo:02}")
            } else if form < 8 {
                format!("{y}-{mo:02} {}", r.pick(&parts[..]))
            } else {
                // A span, ending one to three months later within the fiscal year.
                let m1 = m.min(10);
                let m2 = (m1 + r.range(1, 3)).min(11);
                let ((y1, mo1), (y2, mo2)) = (ym(m1), ym(m2));
                if r.chance(50) {
                    format!("{y1}-{mo1:02} .. {y2}-{mo2:02}")
                } else {
                    format!("{y1}-{mo1:02} {} .. {y2}-{mo2:02}", r.pick(&parts[..]))
                }
            };
            let action = [
                "調査票の配布",
                "調査期日",
                "結果の公表（速報）",
                "結果の公表（確報）",
                "回収締切",
            ][e % 5];
            if surveys > 0 {
                let sv = r.below(surveys);
                let m = self.meta(Kind::Survey, sv);
                let _ = writeln!(
                    s,
                    "  - when: {}\n    title: {}\n    track: {}\n    kind: survey\n    survey: {}",
                    q(&when),
                    q(&format!("{}：{}", m.title, action)),
                    TRACKS[m.class].0,
                    id(Kind::Survey, sv)
                );
            } else {
                let _ = writeln!(
                    s,
                    "  - when: {}\n    title: {}\n    track: {}\n    kind: meeting",
                    q(&when),
                    q(&format!("統計委員会：{action}")),
                    TRACKS[e % 3].0
                );
            }
        }
        s
    }
}

// ---------------------------------------------------------------- Hugo & Zola sites

const HUGO_TOML: &str = r#"baseURL = "/"
languageCode = "ja"
defaultContentLanguage = "ja"
title = "合成ベンチマーク"
# Both generators do comparable work: no feeds, no sitemap.
disableKinds = ["RSS", "sitemap"]
# tebiki writes relative links only; make Hugo do the same.
relativeURLs = true
hasCJKLanguage = true

[taxonomies]
  tag = "tags"

[markup.highlight]
  # CSS classes, like tebiki's syntect output.
  noClasses = false

[markup.goldmark.extensions]
  table = true
  footnote = true
  strikethrough = true
"#;

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ site.Title }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "css/style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<nav><ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}<li><a href="{{ "tags/" | relURL }}">タグ</a></li>
</ul></nav>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .GetTerms "tags" }}<ul class="tags">
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>{{ end }}
</article>
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }} — {{ . }}{{ end }}</li>
{{ end }}</ul>
{{ end }}
"#;

const HUGO_TAXONOMY: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
"#;

const HUGO_TERM: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"#;

const HUGO_INDEX: &str = r#"{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>
{{ end }}</ul>
{{ end }}
"#;

const HUGO_404: &str = r#"{{ define "main" }}<h1>ページが見つかりません</h1>{{ end }}
"#;

const STYLE_CSS: &str = "body{font-family:sans-serif;max-width:50em;margin:auto}\n\
nav ul,ul.tags{list-style:none;padding:0}nav li,ul.tags li{display:inline;margin-right:1em}\n\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}\n\
.chroma{background:#f8f8f8}.chroma .k,.chroma .kd{color:#00f}.chroma .s,.chroma .s2{color:#a31515}.chroma .c,.chroma .c1{color:#080}\n";

const ZOLA_CONFIG: &str = r#"base_url = "/"
title = "合成ベンチマーク"
default_language = "ja"
compile_sass = false
build_search_index = false
taxonomies = [{ name = "tags" }]

[markdown.highlighting]
theme = "github-light"
"#;

const ZOLA_BASE: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock %}</title>
<link rel="stylesheet" href="{{ get_url(path="css/style.css") }}">
</head>
<body>
<header><a href="{{ get_url(path="") }}">{{ config.title }}</a></header>
<nav><ul>
<li><a href="{{ get_url(path="surveys/") }}">統計調査</a></li>
<li><a href="{{ get_url(path="laws/") }}">法令</a></li>
<li><a href="{{ get_url(path="roadmap/") }}">工程表</a></li>
<li><a href="{{ get_url(path="pages/") }}">ページ</a></li>
<li><a href="{{ get_url(path="tags/") }}">タグ</a></li>
</ul></nav>
<main>
{% block main %}{% endblock %}
</main>
<footer>{{ config.title }}</footer>
</body>
</html>
"#;

const ZOLA_INDEX: &str = r#"{% extends "base.html" %}
{% block main %}<h1>{{ config.title }}</h1>{% endblock %}
"#;

const ZOLA_PAGE: &str = r#"{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock %}
{% block main %}
<article>
<h1>{{ page.title }}</h1>
{% if page.description %}<p class="summary">{{ page.description }}</p>{% endif %}
{{ page.content | safe }}
{% if page.taxonomies.tags %}<ul class="tags">
{% for t in page.taxonomies.tags %}<li><a href="{{ get_taxonomy_url(kind="tags", name=t) }}">{{ t }}</a></li>
{% endfor %}</ul>{% endif %}
</article>
{% endblock %}
"#;

const ZOLA_SECTION: &str = r#"{% extends "base.html" %}
{% block title %}{{ section.title }} | {{ config.title }}{% endblock %}
{% block main %}
<h1>{{ section.title }}</h1>
<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.description %} — {{ p.description }}{% endif %}</li>
{% endfor %}</ul>
{% endblock %}
"#;

const ZOLA_TAX_LIST: &str = r#"{% extends "base.html" %}
{% block main %}
<h1>タグ</h1>
<ul>
{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.pages | length }})</li>
{% endfor %}</ul>
{% endblock %}
"#;

const ZOLA_TAX_SINGLE: &str = r#"{% extends "base.html" %}
{% block main %}
<h1>{{ term.name }}</h1>
<ul>
{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>
{% endfor %}</ul>
{% endblock %}
"#;

// ---------------------------------------------------------------- output

struct Writer {
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write(&mut self, path: &Path, text: &str) -> Result<(), String> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

fn reset_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn toml_list(xs: &[&str]) -> String {
    let items: Vec<String> = xs.iter().map(|s| q(s)).collect();
    format!("[{}]", items.join(", "))
}

fn generate(pages: usize, out: &Path, seed: u64, zola: bool) -> Result<(), String> {
    let site = Site::new(pages, seed);
    let teb = out.join("tebiki");
    let hugo = out.join("hugo");
    let zol = out.join("zola");
    reset_dir(&teb)?;
    reset_dir(&hugo)?;
    if zola {
        reset_dir(&zol)?;
    }
    let mut wt = Writer { files: 0, bytes: 0 };
    let mut wh = Writer { files: 0, bytes: 0 };
    let mut wz = Writer { files: 0, bytes: 0 };
    let (mut md_bytes, mut md_files) = (0u64, 0usize);

    let c = teb.join("content");
    wt.write(&c.join("site.yaml"), "title: 合成ベンチマーク\n")?;
    wt.write(&c.join("contacts.yaml"), &site.contacts_yaml())?;
    wt.write(&c.join("schedule/2022.yaml"), &site.schedule_yaml())?;

    wh.write(&hugo.join("hugo.toml"), HUGO_TOML)?;
    let l = hugo.join("layouts");
    for (name, text) in [
        ("_default/baseof.html", HUGO_BASEOF),
        ("_default/single.html", HUGO_SINGLE),
        ("_default/list.html", HUGO_LIST),
        ("_default/taxonomy.html", HUGO_TAXONOMY),
        ("_default/term.html", HUGO_TERM),
        ("index.html", HUGO_INDEX),
        ("404.html", HUGO_404),
    ] {
        wh.write(&l.join(name), text)?;
    }
    wh.write(&hugo.join("static/css/style.css"), STYLE_CSS)?;
    for k in KINDS {
        if site.counts[k as usize] > 0 {
            let text = format!("---\ntitle: {}\n---\n", q(k.section_title()));
            wh.write(&hugo.join("content").join(k.dir()).join("_index.md"), &text)?;
        }
    }

    if zola {
        wz.write(&zol.join("config.toml"), ZOLA_CONFIG)?;
        let t = zol.join("templates");
        for (name, text) in [
            ("base.html", ZOLA_BASE),
            ("index.html", ZOLA_INDEX),
            ("page.html", ZOLA_PAGE),
            ("section.html", ZOLA_SECTION),
            ("tags/list.html", ZOLA_TAX_LIST),
            ("tags/single.html", ZOLA_TAX_SINGLE),
        ] {
            wz.write(&t.join(name), text)?;
        }
        wz.write(&zol.join("static/css/style.css"), STYLE_CSS)?;
        wz.write(
            &zol.join("content/_index.md"),
            "+++\ntitle = \"合成ベンチマーク\"\n+++\n",
        )?;
        for k in KINDS {
            let text = format!("+++\ntitle = {}\n+++\n", q(k.section_title()));
            wz.write(&zol.join("content").join(k.dir()).join("_index.md"), &text)?;
        }
    }

    for k in KINDS {
        for i in 0..site.counts[k as usize] {
            let name = format!("{}.md", id(k, i));
            let body = site.body(k, i);
            let (fm, summary, tags) = site.front_matter(k, i);
            let ours = format!("{fm}{body}");
            md_bytes += ours.len() as u64;
            md_files += 1;
            wt.write(&c.join(k.dir()).join(&name), &ours)?;

            let url_body = to_url_links(&body);
            let title = &site.meta(k, i).title;
            let mut hf = format!("---\ntitle: {}\n", q(title));
            if let Some(s) = &summary {
                let _ = writeln!(hf, "summary: {}", q(s));
            }
            if !tags.is_empty() {
                let _ = writeln!(hf, "tags: {}", flow_list(&tags));
            }
            hf.push_str("draft: false\n---\n\n");
            hf.push_str(&url_body);
            wh.write(&hugo.join("content").join(k.dir()).join(&name), &hf)?;

            if zola {
                let mut zf = format!("+++\ntitle = {}\n", q(title));
                if let Some(s) = &summary {
                    let _ = writeln!(zf, "description = {}", q(s));
                }
                zf.push_str("draft = false\n");
                if !tags.is_empty() {
                    let _ = writeln!(zf, "\n[taxonomies]\ntags = {}", toml_list(&tags));
                }
                zf.push_str("+++\n\n");
                zf.push_str(&url_body);
                wz.write(&zol.join("content").join(k.dir()).join(&name), &zf)?;
            }
        }
    }

    let [s, l, r, p] = site.counts;
    println!(
        "synth: {} pages (surveys {s}, laws {l}, roadmap {r}, pages {p}), seed {seed}",
        site.total()
    );
    println!(
        "synth: {}: {} files, {} bytes; Markdown items {} bytes, {} bytes/page",
        teb.display(),
        wt.files,
        wt.bytes,
        md_bytes,
        if md_files > 0 {
            md_bytes / md_files as u64
        } else {
            0
        }
    );
    println!(
        "synth: {}: {} files, {} bytes",
        hugo.display(),
        wh.files,
        wh.bytes
    );
    if zola {
        println!(
            "synth: {}: {} files, {} bytes",
            zol.display(),
            wz.files,
            wz.bytes
        );
    }
    Ok(())
}

const USAGE: &str = "usage: synth --pages N --out DIR [--seed S] [--zola]

Writes DIR/tebiki (tebiki's content format) and DIR/hugo (a Hugo site) with the same
N synthetic pages (50% surveys, 20% laws, 20% roadmap, 10% free pages, ~4 KB each);
with --zola also DIR/zola. DIR/tebiki, DIR/hugo (and DIR/zola) are replaced.
The output depends only on N and the seed (default 1).";

fn main() -> ExitCode {
    let mut pages: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut seed: u64 = 1;
    let mut zola = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Result<String, String> {
            args.next().ok_or_else(|| format!("{name} needs a value"))
        };
        let res: Result<(), String> = match a.as_str() {
            "--pages" | "-n" => value("--pages").and_then(|v| {
                v.parse()
                    .map(|n| pages = Some(n))
                    .map_err(|_| format!("--pages: not a number: {v}"))
            }),
            "--out" | "-o" => value("--out").map(|v| out = Some(PathBuf::from(v))),
            "--seed" => value("--seed").and_then(|v| {
                v.parse()
                    .map(|n| seed = n)
                    .map_err(|_| format!("--seed: not a number: {v}"))
            }),
            "--zola" => {
                zola = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument: {other}")),
        };
        if let Err(e) = res {
            eprintln!("synth: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some(pages), Some(out)) = (pages, out) else {
        eprintln!("synth: --pages and --out are required\n\n{USAGE}");
        return ExitCode::from(2);
    };
    match generate(pages, &out, seed, zola) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::FAILURE
        }
    }
}
