//! Markdown bodies to HTML: GFM tables, footnotes, strikethrough, task lists; stable
//! heading anchors that keep Japanese; highlighted code; sanitised raw HTML; links to
//! `.md` sources rewritten to page URLs. Whether a link's target exists is checked later
//! (resolve), from the links recorded here, so each body is parsed exactly once.

use super::{highlight, sanitize};
use crate::content::source::nfc;
use crate::diagnostics::Diagnostic;
use crate::text::escape_html;
use crate::urls;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Where a body link points, as written by the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another content file (path relative to `content/`) and an optional anchor.
    File(PathBuf, Option<String>),
    /// An anchor on the same page.
    Anchor(String),
}

#[derive(Debug, Clone)]
pub struct BodyLink {
    pub target: LinkTarget,
    pub written: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
}

/// What the renderer needs to know about the file a body comes from.
pub struct BodySource<'a> {
    /// Path relative to `content/`.
    pub path: &'a Path,
    /// The whole file text, and where the body starts in it, to report lines.
    pub text: &'a str,
    pub body_start: usize,
    pub lines: &'a crate::content::source::LineIndex,
}

const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The anchor for a heading: its text lower-cased, spaces to `-`, punctuation dropped,
/// letters of every script kept (`調査内容` stays `調査内容`).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in nfc(text.trim()).chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        nfc(&out).into_owned()
    }
}

fn scheme_of(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) || before.is_empty() {
        return None;
    }
    Some(before.to_ascii_lowercase())
}

struct Renderer<'a> {
    src: &'a BodySource<'a>,
    page_url: String,
    diagnostics: Vec<Diagnostic>,
    links: Vec<BodyLink>,
}

impl Renderer<'_> {
    fn position(&self, body_offset: usize) -> (usize, usize) {
        self.src
            .lines
            .line_col(self.src.text, self.src.body_start + body_offset)
    }

    fn report(&mut self, d: Diagnostic, body_offset: usize, width: usize) {
        let (line, column) = self.position(body_offset);
        let source = self.src.lines.line(self.src.text, line);
        self.diagnostics
            .push(d.at(line, column, width).with_source_line(source));
    }

    /// Rewrites one link destination and records it for checking.
    fn rewrite(&mut self, dest: &str, offset: usize) -> String {
        if dest.is_empty() {
            return String::new();
        }
        if let Some(scheme) = scheme_of(dest) {
            if SAFE_SCHEMES.contains(&scheme.as_str()) {
                return dest.to_string();
            }
            let d = Diagnostic::error(
                "E021",
                self.src.path,
                format!("links with the `{scheme}:` scheme are not allowed"),
            )
            .with_hint("link to a page of the site (`../laws/x.md`) or to an http(s) address");
            self.report(d, offset, dest.chars().count());
            return "#".into();
        }
        if dest.starts_with("//") {
            return dest.to_string();
        }
        let (path_part, anchor) = match dest.split_once('#') {
            // Anchors are compared with heading ids in NFC, like file names.
            Some((p, a)) => (p, Some(nfc(a).into_owned())),
            None => (dest, None),
        };
        let (line, column) = self.position(offset);
        if path_part.is_empty() {
            let anchor = anchor.unwrap_or_default();
            self.links.push(BodyLink {
                target: LinkTarget::Anchor(anchor.clone()),
                written: dest.into(),
                line,
                column,
            });
            return format!("#{anchor}");
        }
        if path_part.starts_with('/') {
            let d = Diagnostic::warning(
                "W005",
                self.src.path,
                format!(
                    "`{dest}` starts with `/`: it breaks when the site is served under a sub-path"
                ),
            )
            .with_hint("write the link relative to this file, e.g. `../laws/tokei-ho.md`");
            self.report(d, offset, dest.chars().count());
            return dest.to_string();
        }
        let path_part = path_part.split('?').next().unwrap_or(path_part);
        let Some(target) = urls::resolve_relative(self.src.path, path_part) else {
            let d = Diagnostic::error(
                "E015",
                self.src.path,
                format!("the link `{dest}` leads out of the content folder"),
            )
            .with_hint("link only to files inside `content/`; check the number of `../`");
            self.report(d, offset, dest.chars().count());
            return "#".into();
        };
        let target_url = urls::source_url(&target);
        self.links.push(BodyLink {
            target: LinkTarget::File(target, anchor.clone()),
            written: dest.into(),
            line,
            column,
        });
        let mut href = urls::relative(&self.page_url, &target_url);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(&a);
        }
        href
    }
}

/// Renders one Markdown body.
pub fn render(src: &BodySource) -> (Body, Vec<Diagnostic>) {
    let body = &src.text[src.body_start..];
    let mut r = Renderer {
        src,
        page_url: urls::source_url(src.path),
        diagnostics: Vec::new(),
        links: Vec::new(),
    };
    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut heading_start: Option<usize> = None;
    let mut tables = 0;
    // For each table so far, how many headings preceded it.
    let mut table_headings: Vec<usize> = Vec::new();
    let mut heading_text = String::new();
    let mut code: Option<(String, String)> = None;
    // Raw HTML of this run: text, inline or not, and where it starts in the body.
    let mut raw_html: Option<(String, bool, usize)> = None;
    // What the body's raw HTML has opened, and the depth at the start of each
    // Markdown block still open: its end closes what was opened inside it.
    let mut open = sanitize::OpenElements::default();
    let mut block_marks: Vec<usize> = Vec::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        // Raw HTML arrives in pieces; sanitise each run of them as one fragment.
        let is_html = matches!(event, Event::Html(_) | Event::InlineHtml(_));
        if !is_html {
            if let Some(raw) = raw_html.take() {
                flush_html(raw, &mut open, &mut events, &mut r);
            }
        }
        match &event {
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::TableCell
                | Tag::Item
                | Tag::BlockQuote(_),
            ) => block_marks.push(open.depth()),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::BlockQuote(_),
            ) => {
                let mark = block_marks.pop().unwrap_or(0);
                close_open(
                    &mut open,
                    mark,
                    &mut events,
                    &mut r,
                    "its paragraph or block",
                );
            }
            _ => {}
        }
        match event {
            Event::Html(h) => raw_html
                .get_or_insert_with(|| (String::new(), false, range.start))
                .0
                .push_str(&h),
            Event::InlineHtml(h) => raw_html
                .get_or_insert_with(|| (String::new(), true, range.start))
                .0
                .push_str(&h),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, buf)) = code.take() {
                    let html = match highlight::code_block(&buf, &lang) {
                        highlight::Highlighted::Done(html) => html,
                        highlight::Highlighted::TooSlow(html) => {
                            let d = Diagnostic::warning(
                                "W006",
                                src.path,
                                format!("this `{lang}` code block takes too long to highlight; it is shown as plain text"),
                            )
                            .with_hint("split very long or repetitive lines, or remove the language name after ```");
                            r.report(d, range.start, 3);
                            html
                        }
                    };
                    events.push(Event::Html(html.into()));
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                if level == HeadingLevel::H1 {
                    // The theme prints the title as the page's only h1.
                    let d = Diagnostic::warning(
                        "W007",
                        src.path,
                        "a level-1 heading (`#`) in the body: the page title is already the page's heading",
                    )
                    .with_hint("start body headings at `##`");
                    r.report(d, range.start, 1);
                }
                heading_start = Some(events.len());
                heading_text.clear();
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading_start.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        let base = id.as_ref().map_or_else(
                            || slugify(&heading_text),
                            |explicit| nfc(explicit).into_owned(),
                        );
                        // Resume each base's suffix count where its last duplicate
                        // left off: every suffix below it is taken, and starting again
                        // at 1 would make n identical headings quadratic.
                        let mut unique = base.clone();
                        let mut n = next_suffix.get(&base).copied().unwrap_or(1);
                        while !used_ids.insert(unique.clone()) {
                            unique = format!("{base}-{n}");
                            n += 1;
                        }
                        next_suffix.insert(base, n);
                        *id = Some(unique.clone().into());
                        headings.push(Heading {
                            level: heading_level(level),
                            id: unique,
                            text: heading_text.trim().to_string(),
                        });
                    }
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Text(t) | Event::Code(t) if heading_start.is_some() => {
                heading_text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = r.rewrite(&dest_url, dest_offset(body, &range, &dest_url));
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = r.rewrite(&dest_url, dest_offset(body, &range, &dest_url));
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Table(align)) => {
                // A scrollable region needs a name, and names must differ on a page:
                // take the heading the table stands under.
                tables += 1;
                let under = headings.len();
                let nth = 1 + table_headings.iter().filter(|&&h| h == under).count();
                table_headings.push(under);
                let label = match (headings.last(), nth) {
                    (Some(h), 1) => format!("表：{}", h.text),
                    (Some(h), n) => format!("表：{}（{n}）", h.text),
                    (None, _) => format!("表{tables}"),
                };
                events.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n",
                        escape_html(&label)
                    )
                    .into(),
                ));
                events.push(Event::Start(Tag::Table(align)));
                // GFM has no caption syntax; screen readers still announce one.
                events.push(Event::Html(
                    format!(
                        "<caption class=\"visually-hidden\">{}</caption>\n",
                        escape_html(&label)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            other => events.push(other),
        }
    }
    if let Some(raw) = raw_html.take() {
        flush_html(raw, &mut open, &mut events, &mut r);
    }
    close_open(&mut open, 0, &mut events, &mut r, "the body");
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if html.contains(" style=\"text-align: ") {
        // Column alignment arrives as inline styles, which the pages' CSP forbids.
        html = html
            .replace(" style=\"text-align: left\"", " class=\"align-left\"")
            .replace(" style=\"text-align: center\"", " class=\"align-center\"")
            .replace(" style=\"text-align: right\"", " class=\"align-right\"");
    }
    let rendered = Body {
        html,
        headings,
        links: r.links,
    };
    (rendered, r.diagnostics)
}

/// Where the destination of a link or image is written in the body, so its diagnostics
/// mark the target itself; the start of the link when it is not written out as is (a
/// reference-style link, an escaped or angle-bracketed target).
fn dest_offset(body: &str, range: &std::ops::Range<usize>, dest: &str) -> usize {
    body.get(range.clone())
        .and_then(|written| written.rfind(dest))
        .filter(|_| !dest.is_empty())
        .map_or(range.start, |i| range.start + i)
}

/// Sanitises a run of raw HTML as one fragment. Elements a raw HTML *block* opens
/// and leaves open stay open for the Markdown that follows (`<details>` … `</details>`
/// around paragraphs); inline ones close with their block.
fn flush_html(
    (html, inline, at): (String, bool, usize),
    open: &mut sanitize::OpenElements,
    events: &mut Vec<Event>,
    r: &mut Renderer,
) {
    let before = open.depth();
    let src = r.src;
    let body = src.text.get(src.body_start..).unwrap_or("");
    let clean = sanitize::sanitize_html_in(&html, open, at, &mut |url, offset| {
        // The run is the body's text from `at` unless pulldown-cmark took out a
        // container's marks (`> `) or a reference was decoded: then the URL is looked
        // up from there, so the diagnostic's line and column stay its own.
        let guess = at + offset;
        let found = if body.get(guess..).is_some_and(|s| s.starts_with(url)) {
            guess
        } else {
            body.get(at..)
                .and_then(|s| s.find(url))
                .map_or(guess, |i| at + i)
        };
        r.rewrite(url, found)
    });
    let clean = CowStr::from(clean);
    if inline {
        events.push(Event::InlineHtml(clean));
        return;
    }
    events.push(Event::Html(clean));
    // A link or emphasis left open by a block would be re-opened by the browser in
    // every block that follows.
    let (html, closed) = open.close_phrasing_to(before);
    if !html.is_empty() {
        events.push(Event::Html(html.into()));
        warn_closed(r, closed, "its HTML block");
    }
}

/// Closes what raw HTML opened since `mark`, warning once per element.
fn close_open(
    open: &mut sanitize::OpenElements,
    mark: usize,
    events: &mut Vec<Event>,
    r: &mut Renderer,
    closed_at: &str,
) {
    let (html, closed) = open.close_to(mark);
    if html.is_empty() {
        return;
    }
    events.push(Event::InlineHtml(html.into()));
    warn_closed(r, closed, closed_at);
}

fn warn_closed(r: &mut Renderer, closed: Vec<(&'static str, usize)>, closed_at: &str) {
    for (name, at) in closed {
        let d = Diagnostic::warning(
            "W009",
            r.src.path,
            format!("`<{name}>` is never closed; it is closed at the end of {closed_at}"),
        )
        .with_hint(format!("add `</{name}>` where the element should end"));
        r.report(d, at, 1);
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::source::LineIndex;

    fn render_at(path: &str, body: &str) -> (Body, Vec<Diagnostic>) {
        let lines = LineIndex::new(body);
        let src = BodySource {
            path: Path::new(path),
            text: body,
            body_start: 0,
            lines: &lines,
        };
        render(&src)
    }

    #[test]
    fn japanese_headings_keep_japanese_anchors_and_stay_unique() {
        let (r, _) = render_at(
            "pages/a.md",
            "## 調査内容\n\n## 調査内容\n\n## Hello World!\n",
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["調査内容", "調査内容-1", "hello-world"]);
        assert!(r.html.contains("<h2 id=\"調査内容-1\">"), "{}", r.html);
    }

    #[test]
    fn md_links_become_relative_page_urls() {
        let (r, d) = render_at(
            "pages/a.md",
            "[統計法](../laws/tokei-ho.md#第33条) [x](https://example.org/)\n",
        );
        assert!(d.is_empty());
        // pulldown-cmark percent-encodes non-ASCII in hrefs; browsers decode fragments.
        assert!(
            r.html
                .contains("href=\"../../laws/tokei-ho/#%E7%AC%AC33%E6%9D%A1\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"https://example.org/\""));
        assert_eq!(
            r.links[0].target,
            LinkTarget::File("laws/tokei-ho.md".into(), Some("第33条".into()))
        );
    }

    #[test]
    fn anchors_match_headings_whatever_their_unicode_form() {
        let (r, _) = render_at("pages/a.md", "## か\u{3099}いよう\n\n[x](#がいよう)\n");
        assert_eq!(r.headings[0].id, "がいよう");
        assert_eq!(r.links[0].target, LinkTarget::Anchor("がいよう".into()));
    }

    #[test]
    fn level_one_headings_in_the_body_are_a_warning() {
        let (_, d) = render_at("pages/a.md", "本文\n\n# 見出し\n");
        assert_eq!(d[0].code, "W007");
        assert_eq!(d[0].location.line, 3);
    }

    #[test]
    fn javascript_links_are_refused() {
        let (r, d) = render_at("pages/a.md", "text\n\n[x](javascript:alert(1))\n");
        assert_eq!(d[0].code, "E021");
        assert_eq!(d[0].location.line, 3);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }

    #[test]
    fn links_leaving_content_are_errors() {
        let (_, d) = render_at("pages/a.md", "[x](../../etc/passwd)\n");
        assert_eq!(d[0].code, "E015");
    }

    #[test]
    fn raw_script_is_removed() {
        let (r, _) = render_at(
            "pages/a.md",
            "<script>alert(1)</script>\n\n<b onclick=\"x()\">太字</b>\n",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(r.html.contains("<b>太字</b>"), "{}", r.html);
    }

    #[test]
    fn gfm_extensions_render() {
        let (r, _) = render_at(
            "pages/a.md",
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ [^1]\n\n- [x] done\n\n[^1]: note\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
    }
}
