//! The whole handbook as one printable page (`print/`): every published item in reading
//! order, each rendered by the same partial templates as its own page, then moved into
//! the one document: ids are made unique per chapter, links between chapters become
//! links within the document, other links are rebased to `print/`.

use super::render_page_vars;
use crate::content::Kind;
use crate::diagnostics::Diagnostic;
use crate::plan::pages::{Page, SitePages};
use crate::plan::{print_wanted as wanted, PRINT_URL as URL};
use crate::resolve::ItemRef;
use crate::urls;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
struct Chapter {
    id: String,
    title: String,
    /// A marker that the chapter's HTML replaces once the template has rendered: the
    /// whole handbook never passes through the template engine's values (which copies
    /// them), only the skeleton does.
    html: String,
}

/// The marker of chapter `n`: NUL never occurs in rendered pages (Markdown turns it
/// into U+FFFD, templates hold none).
fn marker(n: usize) -> String {
    format!("\0{n}\0")
}

/// `skeleton` with every marker replaced by its chapter's HTML.
fn splice(skeleton: &str, bodies: &[String]) -> String {
    let mut out =
        String::with_capacity(skeleton.len() + bodies.iter().map(String::len).sum::<usize>());
    let mut parts = skeleton.split('\0');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    // After the first piece, pieces alternate: a chapter number, then the text after it.
    while let (Some(n), Some(text)) = (parts.next(), parts.next()) {
        if let Some(body) = n.parse::<usize>().ok().and_then(|n| bodies.get(n)) {
            out.push_str(body);
        }
        out.push_str(text);
    }
    out
}

#[derive(Serialize)]
struct Part {
    /// The named page of the print stylesheet (running header of engines without
    /// `string-set`).
    page: String,
    /// What the running header shows.
    title: String,
    chapters: Vec<Chapter>,
}

/// One chapter to be: the page it comes from, the partial that renders its main part,
/// and its id in the document.
struct Source {
    part: usize,
    page: Page,
    partial: &'static str,
    id: String,
    /// The main part, when already rendered with the item's page.
    main: Option<String>,
}

/// The partial holding the main part of a page rendered by `template`.
pub fn partial(template: &str) -> &'static str {
    match template {
        "survey.html" => "partials/article_survey.html",
        "law.html" => "partials/article_law.html",
        "roadmap.html" => "partials/article_roadmap.html",
        "schedule.html" => "partials/schedule_main.html",
        "contacts.html" => "partials/contacts_main.html",
        "index.html" => "partials/home_main.html",
        _ => "partials/article_page.html",
    }
}

/// The print document (its URL and HTML), or `None` when the site is too large for one.
/// `mains`
/// holds the main part of each item page, rendered when the page was (so items are not
/// rendered twice); the other chapters are rendered here.
pub fn document(
    site: &SitePages,
    tera: &tera::Tera,
    shared: &tera::Context,
    mut mains: HashMap<ItemRef, String>,
) -> Option<Result<(String, String), Diagnostic>> {
    if !wanted(site) {
        return None;
    }
    let content = site.views.content;
    let mut parts: Vec<Part> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let add_part = |parts: &mut Vec<Part>, page: &str, title: String| {
        parts.push(Part {
            page: page.into(),
            title,
            chapters: Vec::new(),
        });
        parts.len() - 1
    };

    let p = add_part(&mut parts, "print-home", "ホーム".into());
    sources.push(Source {
        part: p,
        page: site.home(),
        partial: partial("index.html"),
        id: "home".into(),
        main: None,
    });
    if !content.schedules.is_empty() {
        let p = add_part(&mut parts, "print-schedule", "事業計画".into());
        for (s, schedule) in content.schedules.iter().enumerate().rev() {
            sources.push(Source {
                part: p,
                page: site.schedule(s, false),
                partial: partial("schedule.html"),
                id: format!("schedule-{}", schedule.fiscal_year),
                main: None,
            });
        }
    }
    for kind in Kind::ALL {
        for (group, title, items, _) in site.groups(kind) {
            if items.is_empty() {
                continue;
            }
            let (page, title) = match kind {
                Kind::Survey => (
                    format!("print-surveys-{group}"),
                    format!("{}・{title}", kind.label()),
                ),
                Kind::Roadmap => ("print-roadmap".into(), format!("{}・{title}", kind.label())),
                _ => (format!("print-{}", kind.dir()), kind.label().to_string()),
            };
            let p = add_part(&mut parts, &page, title);
            for i in items {
                let item = &content.items[i];
                let page = site.item(i);
                sources.push(Source {
                    part: p,
                    partial: partial(page.template),
                    page,
                    id: format!("{}-{}", item.kind.dir(), item.id),
                    main: mains.remove(&i),
                });
            }
        }
    }
    let p = add_part(&mut parts, "print-contacts", "施策照会先一覧".into());
    sources.push(Source {
        part: p,
        page: site.contacts(),
        partial: partial("contacts.html"),
        id: "contacts".into(),
        main: None,
    });

    // Links to a page that is a chapter lead to the chapter. The schedule's index page
    // shows the newest year, which is a chapter of its own.
    let mut targets: HashMap<String, String> = sources
        .iter()
        .map(|s| (s.page.url.clone(), s.id.clone()))
        .collect();
    if let Some(newest) = content.schedules.last() {
        targets.insert(
            urls::SCHEDULES.into(),
            format!("schedule-{}", newest.fiscal_year),
        );
    }

    let rendered: Vec<Result<(usize, Chapter), Diagnostic>> = sources
        .into_par_iter()
        .map(|s| {
            let from = s.page.url.clone();
            let title = s.page.title.clone();
            let html = match s.main {
                Some(html) => html,
                None => render_page_vars(tera, shared, s.page, s.partial)?,
            };
            Ok((
                s.part,
                Chapter {
                    html: relocate(&html, &from, &s.id, &targets),
                    id: s.id,
                    title,
                },
            ))
        })
        .collect();
    let mut bodies = Vec::with_capacity(rendered.len());
    for r in rendered {
        match r {
            Ok((p, mut chapter)) => {
                let html = std::mem::replace(&mut chapter.html, marker(bodies.len()));
                bodies.push(html);
                parts[p].chapters.push(chapter);
            }
            Err(d) => return Some(Err(d)),
        }
    }

    let mut vars = tera::Context::new();
    vars.insert("parts", &parts);
    let page = Page {
        url: URL.into(),
        template: "print.html",
        title: "印刷用（全体を1ページに）".into(),
        breadcrumbs: Vec::new(),
        section: "print",
        vars,
        origin: crate::plan::files::Origin::generated(
            "the print document (every item on one page)",
        ),
    };
    Some(
        super::render_page(tera, shared, page)
            .map(|(url, skeleton)| (url, splice(&skeleton, &bodies))),
    )
}

/// Attributes whose value names ids of the document.
const ID_LIST_ATTRS: [&str; 6] = [
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "headers",
    "for",
];

/// Moves the HTML of the page at `from` into the chapter `chapter` of the print
/// document: every id gets the chapter's prefix, same-page links follow, links to other
/// chapters become links within the document, and the remaining relative links and
/// resources are rebased from `from` to `print/`. The HTML is the generator's own
/// (templates and sanitised bodies): every `<` in text is escaped and every attribute
/// value is double-quoted, so scanning tags is enough.
pub fn relocate(
    html: &str,
    from: &str,
    chapter: &str,
    targets: &HashMap<String, String>,
) -> String {
    let prefix = format!("{chapter}--");
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        // Comments and doctypes are copied as they are.
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else {
            rest.find('>').map(|e| e + 1)
        };
        let Some(end) = end else {
            out.push_str(rest);
            return out;
        };
        let tag = &rest[..end];
        if tag.starts_with("<!") || tag.starts_with("</") || !tag.contains('"') {
            out.push_str(tag);
        } else {
            rewrite_tag(tag, from, &prefix, targets, &mut out);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn rewrite_tag(
    tag: &str,
    from: &str,
    prefix: &str,
    targets: &HashMap<String, String>,
    out: &mut String,
) {
    let mut rest = tag;
    while let Some(q) = rest.find("=\"") {
        let name_start = rest[..q]
            .rfind(|c: char| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let name = &rest[name_start..q];
        let value_start = q + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        match name {
            "id" => {
                out.push_str(prefix);
                out.push_str(value);
            }
            n if ID_LIST_ATTRS.contains(&n) => {
                let ids: Vec<String> = value
                    .split_ascii_whitespace()
                    .map(|id| format!("{prefix}{id}"))
                    .collect();
                out.push_str(&ids.join(" "));
            }
            "href" | "src" => out.push_str(&rebase(value, from, prefix, targets)),
            _ => out.push_str(value),
        }
        out.push('"');
        rest = &rest[value_start + len + 1..];
    }
    out.push_str(rest);
}

/// A link written on the page at `from`, as it must read in the print document.
fn rebase(value: &str, from: &str, prefix: &str, targets: &HashMap<String, String>) -> String {
    if let Some(fragment) = value.strip_prefix('#') {
        return format!("#{prefix}{fragment}");
    }
    let has_scheme = value
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '#']));
    if has_scheme || value.starts_with('/') || value.is_empty() {
        return value.to_string();
    }
    let (path, fragment) = match value.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (value, None),
    };
    let Some(target) = resolve(from, path) else {
        return value.to_string();
    };
    let page = target.strip_suffix("index.html").unwrap_or(&target);
    if let Some(chapter) = targets.get(page) {
        return match fragment {
            Some(f) if !f.is_empty() => format!("#{chapter}--{f}"),
            _ => format!("#{chapter}"),
        };
    }
    let mut link = urls::relative(URL, &target);
    if let Some(f) = fragment {
        link.push('#');
        link.push_str(f);
    }
    link
}

/// `path`, written on the page at `from` (a folder URL like `surveys/a/`), as a
/// root-relative URL; `None` when it climbs above the site root.
fn resolve(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = path.ends_with('/') || path.is_empty();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut url = parts.join("/");
    if trailing && !url.is_empty() {
        url.push('/');
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> HashMap<String, String> {
        [
            ("laws/tokei-ho/".to_string(), "laws-tokei-ho".to_string()),
            (String::new(), "home".to_string()),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn ids_and_their_references_get_the_chapter_prefix() {
        let html = r##"<section aria-labelledby="h"><h2 id="h">見出し</h2><a href="#h">x</a><label for="f">f</label></section>"##;
        let out = relocate(html, "surveys/a/", "surveys-a", &targets());
        assert_eq!(
            out,
            r##"<section aria-labelledby="surveys-a--h"><h2 id="surveys-a--h">見出し</h2><a href="#surveys-a--h">x</a><label for="surveys-a--f">f</label></section>"##
        );
    }

    #[test]
    fn links_to_chapters_stay_in_the_document_and_others_are_rebased() {
        let html = r#"<a href="../../laws/tokei-ho/#目的">a</a><a href="../../">h</a><a href="../../tags/x/">t</a><img src="../../images/r.png" alt=""><a href="https://example.jp/a:b">e</a><a href="tel:03">p</a>"#;
        let out = relocate(html, "surveys/a/", "surveys-a", &targets());
        assert_eq!(
            out,
            r##"<a href="#laws-tokei-ho--目的">a</a><a href="#home">h</a><a href="../tags/x/">t</a><img src="../images/r.png" alt=""><a href="https://example.jp/a:b">e</a><a href="tel:03">p</a>"##
        );
    }

    #[test]
    fn chapters_take_the_place_of_their_markers() {
        let bodies = vec!["<p>a</p>".to_string(), "<p>b</p>".to_string()];
        let skeleton = format!("<main>{}<hr>{}</main>", marker(1), marker(0));
        assert_eq!(
            splice(&skeleton, &bodies),
            "<main><p>b</p><hr><p>a</p></main>"
        );
        assert_eq!(splice("<p>none</p>", &bodies), "<p>none</p>");
    }

    #[test]
    fn text_that_looks_like_attributes_is_left_alone() {
        let html =
            "<p>id=&quot;x&quot; &lt;a href=&quot;#y&quot;&gt;</p><pre><code>id=\"z\"</code></pre>";
        assert_eq!(relocate(html, "", "home", &targets()), html);
    }
}
