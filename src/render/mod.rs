//! Stage 4, rendering: every planned page through the Tera templates of the theme
//! (pages render independently, in parallel), the print document, and the whole-site
//! files made from the same views (exports, search index).

pub mod pass;
pub mod print;

use crate::diagnostics::Diagnostic;
use crate::plan::pages::Page;
use crate::text::escape_html;
use crate::theme;
use crate::urls;

/// Compiles the theme's templates once.
pub fn compile(theme: &theme::Theme) -> Result<tera::Tera, Diagnostic> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str())),
    )
    .map_err(|e| {
        Diagnostic::error(
            "E030",
            "themes",
            format!("a template does not compile: {}", error_chain(&e)),
        )
        .with_hint("fix the template syntax in the named file under themes/<theme>/templates/")
    })?;
    Ok(tera)
}

/// Tera nests the useful part of its errors; show the whole chain on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Renders one page with the shared variables; errors name the template and the page.
pub fn render_page(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: Page,
) -> Result<(String, String), Diagnostic> {
    let url = page.url.clone();
    let template = page.template;
    render_page_vars(tera, shared, page, template).map(|html| (url, html))
}

/// Renders `page`'s variables through `template`, which may be the page's own template
/// or one of its partials (the print document renders the partials).
pub(crate) fn render_page_vars(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: Page,
    template: &str,
) -> Result<String, Diagnostic> {
    let (url, ctx) = page_context(shared, page);
    render_with(tera, template, &ctx, &url)
}

/// Renders an item page whose main part the print document needs too: the main part
/// once, through `partial`, then the page around it (its template prints `main_html`).
/// Returns (url, main part, page).
pub(crate) fn render_page_and_main(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: Page,
    partial: &str,
) -> Result<(String, String, String), Diagnostic> {
    let template = page.template;
    let (url, mut ctx) = page_context(shared, page);
    let main = render_with(tera, partial, &ctx, &url)?;
    ctx.insert("main_html", &main);
    let html = render_with(tera, template, &ctx, &url)?;
    Ok((url, main, html))
}

/// One step of a page's breadcrumb trail.
#[derive(serde::Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

/// A page's whole context (the shared variables, its own, where it sits): (url, context).
pub(crate) fn page_context(shared: &tera::Context, page: Page) -> (String, tera::Context) {
    let mut ctx = shared.clone();
    ctx.extend(page.vars);
    ctx.insert("root", &urls::root_prefix(&page.url));
    ctx.insert("page_url", &page.url);
    ctx.insert("page_title", &page.title);
    ctx.insert("section", page.section);
    let crumbs: Vec<Crumb> = page
        .breadcrumbs
        .iter()
        .map(|(title, url)| Crumb { title, url })
        .collect();
    ctx.insert("breadcrumbs", &crumbs);
    (page.url, ctx)
}

/// Renders a prepared context through `template`; with `partial`, the main part first,
/// handed to the page as `main_html` (see [`render_page_and_main`]). Returns (main, page).
pub(crate) fn render_context(
    tera: &tera::Tera,
    template: &str,
    partial: Option<&str>,
    mut ctx: tera::Context,
    url: &str,
) -> Result<(Option<String>, String), Diagnostic> {
    let main = match partial {
        Some(partial) => {
            let main = render_with(tera, partial, &ctx, url)?;
            ctx.insert("main_html", &main);
            Some(main)
        }
        None => None,
    };
    Ok((main, render_with(tera, template, &ctx, url)?))
}

fn render_with(
    tera: &tera::Tera,
    template: &str,
    ctx: &tera::Context,
    url: &str,
) -> Result<String, Diagnostic> {
    tera.render(template, ctx).map_err(|e| {
        Diagnostic::error(
            "E031",
            format!("themes/…/templates/{template}"),
            format!("rendering the page `/{url}` failed: {}", error_chain(&e)),
        )
        .with_hint("the template uses a variable the page does not have, or has a logic error; see themes/default/README.md for the variables")
    })
}

/// A template that fails on one page usually fails on all pages of its kind: one
/// error per template and cause, naming the first page (in plan order) and how many
/// more, instead of ten thousand copies.
pub fn fold_template_errors(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    let cause = |d: &Diagnostic| {
        d.message
            .split_once(" failed: ")
            .map(|(_, c)| c.to_string())
    };
    for d in diagnostics {
        let same = (d.code == "E031")
            .then(|| cause(&d))
            .flatten()
            .and_then(|c| {
                out.iter().position(|o| {
                    o.code == "E031" && o.location == d.location && cause(o).as_ref() == Some(&c)
                })
            });
        match same {
            Some(n) => repeats[n] += 1,
            None => {
                out.push(d);
                repeats.push(0);
            }
        }
    }
    for (d, n) in out.iter_mut().zip(repeats) {
        if n > 0 {
            d.message.push_str(&format!(" (and {n} more pages)"));
        }
    }
    out
}
