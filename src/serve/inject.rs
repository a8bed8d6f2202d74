//! The one change serve makes to a built page: a `<script src>` tag loading the reload
//! script, and `'self'` allowed in the page's own CSP `script-src` so that tag may run.
//! Made at response time, so the site held in memory stays byte for byte what `build`
//! writes; `tests/serve.rs` undoes exactly this change before comparing.

/// The tag inserted before `</head>`: `generation` is the site the page was served
/// from, so the script can tell whether a rebuild happened before it connected.
pub fn tag(base: &str, generation: &str, missing: bool) -> String {
    let missing = if missing { "&amp;missing=1" } else { "" };
    format!(
        "<script src=\"{base}{}reload.js?g={generation}{missing}\"></script>",
        super::request::OWN
    )
}

/// The page with the reload script. Pages without `</head>` get the tag at the end.
pub fn page(html: &[u8], tag: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + tag.len() + 8);
    let head_end = find(html, b"</head>");
    let (before, after) = match head_end {
        Some(at) => html.split_at(at),
        None => (html, &[][..]),
    };
    out.extend_from_slice(&allow_self_scripts(before));
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(after);
    out
}

/// The CSP meta of the theme says `script-src 'none'` on pages without scripts: in serve
/// mode it becomes `'self'` (the reload script is served from the same origin, so no
/// inline script and no `'unsafe-inline'` is ever needed). Other sources are kept.
fn allow_self_scripts(head: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Some(meta) = find(head, b"http-equiv=\"Content-Security-Policy\"") else {
        return head.into();
    };
    let Some(directive) = find(&head[meta..], b"script-src ").map(|d| meta + d) else {
        return head.into();
    };
    let value_start = directive + b"script-src ".len();
    let value_end = head[value_start..]
        .iter()
        .position(|&b| b == b';' || b == b'"')
        .map_or(head.len(), |p| value_start + p);
    let value = &head[value_start..value_end];
    if find(value, b"'self'").is_some() {
        return head.into();
    }
    let mut out = Vec::with_capacity(head.len() + 8);
    out.extend_from_slice(&head[..value_start]);
    if value.trim_ascii() == b"'none'" {
        out.extend_from_slice(b"'self'");
    } else {
        out.extend_from_slice(value);
        out.extend_from_slice(b" 'self'");
    }
    out.extend_from_slice(&head[value_end..]);
    out.into()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_goes_before_head_end_and_the_csp_allows_self() {
        let html = br#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'none'; style-src 'self'"></head><body></body>"#;
        let out = String::from_utf8(page(html, "<script src=\"/x.js\"></script>")).unwrap();
        assert_eq!(
            out,
            r#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'"><script src="/x.js"></script></head><body></body>"#
        );
    }

    #[test]
    fn a_csp_that_allows_self_is_kept() {
        let html = br#"<head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"></head>"#;
        let out = page(html, "T");
        assert_eq!(
            out,
            br#"<head><meta http-equiv="Content-Security-Policy" content="script-src 'self'">T</head>"#
        );
    }
}
