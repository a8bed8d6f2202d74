//! Escaping text for HTML, shared by the bodies read at load and by the templates.

/// Escapes what HTML needs escaped and nothing more: Tera's default also escapes `/`,
/// which bloats every URL of every page.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
