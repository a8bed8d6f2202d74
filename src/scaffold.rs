//! `tebiki new KIND ID`: writes a new item's file with every field of the content model,
//! commented in Japanese for the editors, valid as it stands as a draft. Refuses an id
//! that breaks the id rule or is already taken, with the usual diagnostics.

use crate::content::{is_valid_id, Kind};
use crate::diagnostics::{Diagnostic, Label};
use std::path::{Path, PathBuf};

/// How every placeholder value of a new file begins: `check` finds the ones left behind.
pub const PLACEHOLDER: &str = "（未記入：";

/// W010: a published item that still holds a placeholder value written by `new`, so an
/// editor who sets `draft: false` too early learns which field is still to fill in.
/// Like W008, only `check` reports it.
pub fn leftover_placeholder(item: &crate::content::Item) -> Option<Diagnostic> {
    if item.common.draft || item.common.previewed_draft {
        return None;
    }
    // Comment lines explain placeholders; only values count.
    let (line, line_text, at) = item
        .source
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
        .find_map(|(n, l)| l.find(PLACEHOLDER).map(|at| (n + 1, l, at)))?;
    let column = line_text[..at].chars().count() + 1;
    let width = line_text[at..]
        .find('）')
        .map_or(PLACEHOLDER.chars().count(), |end| {
            line_text[at..at + end].chars().count() + 1
        });
    Some(
        Diagnostic::warning(
            "W010",
            &item.source.path,
            "a placeholder written by `tebiki new` is still here, in a published item",
        )
        .at(line, column, width)
        .with_source_line(line_text)
        .with_hint("write the real value in its place (the comment above it says what), or keep `draft: true` until it is done"),
    )
}

/// What `new` wrote: the file, relative to the site's folder.
#[derive(Debug)]
pub struct Created {
    pub path: PathBuf,
}

/// Writes `content/<kind>/<id>.md` under `root`. `title` is the page title if the editor
/// gave one; otherwise a placeholder that reads as one.
pub fn create(
    root: &Path,
    kind: Kind,
    id: &str,
    title: Option<&str>,
) -> Result<Created, Diagnostic> {
    let content = root.join("content");
    let rel = PathBuf::from(kind.dir()).join(format!("{id}.md"));
    if !is_valid_id(id) {
        let suggestion = crate::content::suggest_id(id);
        let hint = if suggestion.is_empty() {
            "ids are lower-case ASCII words joined by `-`, e.g. `kanja-chosa`".to_string()
        } else {
            format!("ids are lower-case ASCII words joined by `-`; try `{suggestion}`")
        };
        return Err(Diagnostic::error(
            "E013",
            &rel,
            format!("`{id}` is not a valid id (the file name is the id)"),
        )
        .with_hint(hint));
    }
    if !content.is_dir() {
        return Err(
            Diagnostic::error("E001", &content, "there is no content folder here").with_hint(
                "run the command in the site's folder (the one holding `content/`), or pass `--root DIR`",
            ),
        );
    }
    if let Some(existing) = existing_item(&content, kind, id) {
        let taken = existing.display().to_string().replace('\\', "/");
        return Err(Diagnostic::error(
            "E014",
            &rel,
            format!("the id `{id}` is already taken by {taken}"),
        )
        .with_hint(format!(
            "choose another id, or edit content/{taken}; ids are unique within `{}`",
            kind.dir()
        ))
        .with_secondary(Label::file(&existing, "the file that has this id")));
    }
    let text = template(kind, id, title);
    let path = content.join(&rel);
    let written = std::fs::create_dir_all(path.parent().unwrap_or(&content)).and_then(|()| {
        // create_new: never overwrite a file that appeared since the check above.
        use std::io::Write;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    });
    written.map_err(|e| {
        Diagnostic::error("E041", &path, format!("cannot write the new file: {e}"))
            .with_hint("check that content/ is writable")
    })?;
    Ok(Created {
        path: Path::new("content").join(rel),
    })
}

/// An item of `kind` whose id is `id` up to case (ids differing only in case clash on
/// the editors' Windows and macOS machines), anywhere in the kind's folder (free pages
/// may sit in subfolders): its path relative to `content/`.
fn existing_item(content: &Path, kind: Kind, id: &str) -> Option<PathBuf> {
    let dir = content.join(kind.dir());
    let max_depth = if kind == Kind::Page { usize::MAX } else { 1 };
    walkdir::WalkDir::new(&dir)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .find(|e| {
            let p = e.path();
            p.extension().is_some_and(|x| x == "md")
                && p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s.eq_ignore_ascii_case(id))
        })
        .map(|e| {
            e.path()
                .strip_prefix(content)
                .unwrap_or(e.path())
                .to_path_buf()
        })
}

/// A YAML double-quoted scalar: any title the editor typed stays one string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const HEAD: &str = "\
# 「#」から行末まではコメントです（サイトには表示されません）。
# 項目の意味は docs/content-model.md にあります。
# このままでも正しいファイルですが、draft: true（下書き）なので公開されません。
# 内容を書き終えたら draft: false にして `cargo run -- check` を実行してください。
";

fn common(title: &str) -> String {
    format!(
        "\
# ページの題名（必須）。
title: {title}
# 一覧・検索結果・ページ説明に使う一文の要約（任意）。
# summary: ここに要約を書きます。
# true の間は公開されません。プレビューは `cargo run -- build --drafts --output preview`。
draft: true
# 内容を最後に大きく更新した日（任意、YYYY-MM-DD）。フィードにも使われます。
# updated: 2022-04-01
# キーワード（任意）。キーワードごとに一覧ページができます。例: [医療, 統計]
tags: []
# 照会先（任意）。content/contacts.yaml の id を並べます。例: [jinko-dotai]
contacts: []
# 関連項目（任意）。「種類/id」で書きます。例: [laws/tokei-ho, surveys/kanja-chosa]
related: []
# 出典（ブリーフィングのどの節・見出しに基づくか）。ページ末尾に「出典」と表示されます。
# 「未記入」の値が残ったまま draft: false にすると check が注意します（W010）。
source: \"（未記入：ブリーフィングの節と見出し）\"
"
    )
}

fn template(kind: Kind, id: &str, title: Option<&str>) -> String {
    let placeholder = format!("{PLACEHOLDER}題名）{id}");
    let title = quoted(
        title
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(&placeholder),
    );
    let own = match kind {
        Kind::Survey => SURVEY,
        Kind::Law => LAW,
        Kind::Roadmap => ROADMAP,
        Kind::Page => PAGE,
    };
    let body = match kind {
        Kind::Survey => "## 調査内容\n\nここに調査の内容を書きます。\n",
        _ => "ここに本文を書きます。\n",
    };
    format!(
        "---\n# 新しい{}（{}/{id}.md）。\n{HEAD}\n{}\n{own}---\n\n{body}\n{LINKS}",
        kind.label(),
        kind.dir(),
        common(&title)
    )
}

const LINKS: &str = "\
<!--
本文でほかのページへリンクするときは、ファイルへの相対パスで書きます。
例: [統計法](../laws/tokei-ho.md)、見出しへは [統計法](../laws/tokei-ho.md#目的)
見出しは ## から始めます（# はページの題名に使われています）。
このコメントは公開されるページには出ません。不要になったら消してください。
-->
";

const SURVEY: &str = "\
# 統計の分野（必須）: health（保健統計）| welfare（社会福祉統計）| labour（労働統計）
category: health
# 調査時期（必須）。ブリーフィングの書き方のまま。例: 毎月、毎年１０月、３年周期
frequency: \"（未記入：調査時期）\"
# 調査方法（必須、複数可）: online（オンライン）| mail（郵送）| enumerator（調査員）
#   | prefecture（都道府県経由）。例: [online, mail]
methods: []
# 調査経路（任意）。段ごとに並べ、同じ段で分かれるところは [ ] でまとめます。例:
# routes:
#   - name: 経路の名前
#     path: [厚生労働省, [都道府県, 指定都市], 調査対象]
# 地方公共団体に協力を依頼している調査なら true、しないとブリーフィングにあれば false。
# 書かなければ「不明」と表示されます（「いいえ」にはなりません）。
# local_government: true
# 利活用例（任意）。ブリーフィングの1行を1項目に。例: [白書で利用]
uses: []
# 関係法律（任意）。content/laws/ のファイル名（id）。例: [tokei-ho]
laws: []
# 関係する工程表の項目（任意）。content/roadmap/ の id。
roadmap: []
";

const LAW: &str = "\
# 略称（任意）。
# short_title: 略称
# 状態（任意）: enacted（成立）| in_force（施行）| repealed（廃止）| planned（予定）
# status: enacted
# 施行日（任意、ブリーフィングにある場合だけ）。日付 2021-09-01 か年月 2021-09。
# effective: 2021-09-01
# この法律が改正・廃止する法律（任意）。content/laws/ の id。
amends: []
";

const ROADMAP: &str = "\
# どの工程表の項目か（必須）。content/site.yaml の programs にあるキーを書きます。
program: \"（未記入：site.yaml の programs のキー）\"
# ブリーフィングでの番号（任意）。例: ①
# number: ①
# 工程（必須、空でも可）。1行に1つ。start/end は年月 2021-10 か年度 FY2022。
#   state: done（実施済み）| planned（予定）
#   basis: stated（ブリーフィングに文章で書いてある、既定）
#        | read（図の位置から読み取った。サイトでは「読み取り」と表示）
#   note: 読み取り方の説明など
# 例:
# milestones:
#   - {label: 内容, start: 2021-10, end: FY2022, state: planned}
#   - {label: 内容, start: FY2023, basis: read, note: 図の位置から読み取り}
milestones: []
# 関係法律（任意）。content/laws/ の id。
laws: []
";

const PAGE: &str = "\
# メニューでの表示順（任意、小さいほど先）。
weight: 0
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_stay_one_yaml_string_whatever_they_hold() {
        for title in ["統計法: 解説", "\"引用\" \\ #見出し", "a\nb"] {
            let yaml = format!("title: {}", quoted(title));
            let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(v["title"].as_str(), Some(title));
        }
    }
}
